"""The real Pulumi engine, offline: the CLI built from its Go module (`toolchain`), stand-in
provider plugins for the bridged providers (`standin`, `schema`), and the runner that drives
`pulumi preview/up/refresh/destroy` against a throwaway local file backend (`runner`)."""
