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


def test_prod_environment_needs_a_reviewer_and_a_protected_branch() -> None:
    [env] = prod_graph().of_type("github:index/repositoryEnvironment:RepositoryEnvironment")
    inputs = env["inputs"]
    assert inputs["environment"] == "prod"
    assert inputs["deploymentBranchPolicy"] == {"protectedBranches": True,
                                                "customBranchPolicies": False}
    assert inputs["preventSelfReview"] is True
    assert len(inputs["reviewers"][0]["users"]) == 1
    assert isinstance(inputs["reviewers"][0]["users"][0], int)


def test_deploy_secrets_live_in_the_prod_environment_as_secrets() -> None:
    secrets = prod_graph().of_type(
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")
    names = {s["inputs"]["secretName"] for s in secrets}
    assert {"PULUMI_ACCESS_TOKEN", "R2_BACKUP_ACCESS_KEY_ID",
            "R2_BACKUP_SECRET_ACCESS_KEY"} <= names
    for secret in secrets:
        assert secret["inputs"]["environment"] == "prod"
        assert secret["inputs"]["value"] == "[secret]"
    assert not prod_graph().of_type("github:index/actionsSecret:ActionsSecret")
