"""`python -m stacks.engine {preview,up,refresh,destroy} --stack STACK`: the real Pulumi CLI
(built by `make engine`) runs the program, its own output printed as it goes.

Without --throwaway: your logged-in backend (`pulumi login`), your stack config and secrets,
your provider credentials. With --throwaway: build/engine/<stack>/, fake secrets, stand-ins.
Policy previews with a structured report: `python -m policies.preview`.
"""

from __future__ import annotations

import argparse
import sys

from pulumi import automation as auto

from stacks.engine import runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.engine", description=__doc__)
    parser.add_argument("command", choices=("preview", "up", "refresh", "destroy"))
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--throwaway", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.throwaway:
            stack = runner.open_throwaway(
                args.stack, secrets=runner.fake_secrets(), fresh=args.command == "preview"
            )
        else:
            stack = runner.open_user_stack(args.stack)
        if args.command == "preview":
            stack.preview(on_output=print)
        elif args.command == "up":
            stack.up(on_output=print)
        elif args.command == "refresh":
            stack.refresh(on_output=print)
        else:
            stack.destroy(on_output=print)
    except runner.EngineError as err:
        print(f"stacks.engine: {err}", file=sys.stderr)
        return 2
    except auto.errors.CommandError as err:
        print(f"pulumi {args.command} failed:\n{str(err)[-2000:]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
