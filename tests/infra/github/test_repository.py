"""GitHub under mocks: repository settings, default-branch ruleset, prod environment."""

from __future__ import annotations

from tests.support.plan import prod_graph


def test_repository_settings() -> None:
    graph = prod_graph()
    [repo] = graph.of_type("github:index/repository:Repository")
    inputs = repo["inputs"]
    assert inputs["deleteBranchOnMerge"] is True
    assert inputs["allowSquashMerge"] is True
    assert inputs["allowMergeCommit"] is False and inputs["allowRebaseMerge"] is False
    assert inputs["vulnerabilityAlerts"] is True
    saa = inputs["securityAndAnalysis"]
    assert saa["secretScanning"]["status"] == "enabled"
    assert saa["secretScanningPushProtection"]["status"] == "enabled"
    assert graph.options[repo["urn"]]["protect"] is True


def test_default_branch_ruleset() -> None:
    [ruleset] = prod_graph().of_type("github:index/repositoryRuleset:RepositoryRuleset")
    inputs = ruleset["inputs"]
    assert inputs["enforcement"] == "active" and inputs["target"] == "branch"
    assert inputs["conditions"]["refName"]["includes"] == ["~DEFAULT_BRANCH"]
    rules = inputs["rules"]
    assert rules["deletion"] is True and rules["nonFastForward"] is True
    assert rules["requiredLinearHistory"] is True
    assert rules["pullRequest"]["requiredApprovingReviewCount"] >= 1
    checks = [c["context"] for c in rules["requiredStatusChecks"]["requiredChecks"]]
    assert checks == ["lint", "typecheck", "test", "audit"]


def environments() -> dict[str, dict[str, object]]:
    return {
        e["inputs"]["environment"]: e["inputs"]
        for e in prod_graph().of_type("github:index/repositoryEnvironment:RepositoryEnvironment")
    }


def env_secrets(environment: str) -> dict[str, dict[str, object]]:
    return {
        s["inputs"]["secretName"]: s["inputs"]
        for s in prod_graph().of_type(
            "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"
        )
        if s["inputs"]["environment"] == environment
    }


def test_the_workflows_environments_exist() -> None:
    assert set(environments()) == {"prod", "preview", "backups", "rotation"}


def test_prod_environment_needs_a_reviewer_and_a_protected_branch() -> None:
    inputs = environments()["prod"]
    assert inputs["deploymentBranchPolicy"] == {
        "protectedBranches": True,
        "customBranchPolicies": False,
    }
    assert inputs["preventSelfReview"] is True
    assert inputs["canAdminsBypass"] is False
    users = inputs["reviewers"][0]["users"]  # type: ignore[index]
    assert len(users) == 1 and isinstance(users[0], int)


def test_backups_and_rotation_environments_deploy_from_main_only() -> None:
    policies = prod_graph().of_type(
        "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy"
    )
    for name in ("backups", "rotation"):
        assert environments()[name]["deploymentBranchPolicy"] == {
            "protectedBranches": False,
            "customBranchPolicies": True,
        }
        [policy] = [p for p in policies if p["inputs"]["environment"] == name]
        assert policy["inputs"]["branchPattern"] == "main"


def test_preview_environment_has_no_pulumi_managed_secret() -> None:
    assert "reviewers" not in environments()["preview"]
    assert env_secrets("preview") == {}


def test_workflows_get_only_their_infisical_login_from_github() -> None:
    """Every value a workflow needs lives in its Infisical folder (tests/workflows check each
    is written there); GitHub holds no secret, only where and as whom to log in (OIDC)."""
    variables: dict[str, set[str]] = {}
    for v in prod_graph().of_type(
        "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable"
    ):
        variables.setdefault(v["inputs"]["environment"], set()).add(v["inputs"]["variableName"])
    login = {"INFISICAL_API_URL", "INFISICAL_IDENTITY_ID", "INFISICAL_PROJECT_ID"}
    assert variables == dict.fromkeys(("prod", "preview", "backups", "rotation"), login)
    for environment in environments():
        assert env_secrets(environment) == {}


def test_secret_values_are_redacted_and_never_repository_wide() -> None:
    for environment in ("prod", "backups"):
        for inputs in env_secrets(environment).values():
            assert inputs["value"] == "[secret]"
    assert not prod_graph().of_type("github:index/actionsSecret:ActionsSecret")
