"""Which AWS service uses a role of the template, from the properties that take a role.

A role named as the execution role of a Lambda function is assumed by Lambda, so its trust
policy must allow ``lambda.amazonaws.com`` (docs/cloudformation/iam.md, "Who assumes a role").
"""

from __future__ import annotations

from typing import Any

from ...template.model import getatt_target, property_values, ref_target, resources

#: Resource type → (property paths that take a role ARN or name, the service principal that assumes it).
ROLE_USERS: dict[str, tuple[tuple[str, ...], str]] = {
    "AWS::Lambda::Function": (("Role",), "lambda.amazonaws.com"),
    "AWS::Serverless::Function": (("Role",), "lambda.amazonaws.com"),
    "AWS::StepFunctions::StateMachine": (("RoleArn",), "states.amazonaws.com"),
    "AWS::ECS::TaskDefinition": (("TaskRoleArn", "ExecutionRoleArn"), "ecs-tasks.amazonaws.com"),
    "AWS::IAM::InstanceProfile": (("Roles/*",), "ec2.amazonaws.com"),
    "AWS::CodeBuild::Project": (("ServiceRole",), "codebuild.amazonaws.com"),
    "AWS::CodePipeline::Pipeline": (("RoleArn",), "codepipeline.amazonaws.com"),
    "AWS::Events::Rule": (("Targets/*/RoleArn",), "events.amazonaws.com"),
    "AWS::Scheduler::Schedule": (("Target/RoleArn",), "scheduler.amazonaws.com"),
    "AWS::Glue::Job": (("Role",), "glue.amazonaws.com"),
    "AWS::Glue::Crawler": (("Role",), "glue.amazonaws.com"),
    "AWS::RDS::DBInstance": (("MonitoringRoleArn",), "monitoring.rds.amazonaws.com"),
    "AWS::EC2::FlowLog": (("DeliverLogsPermissionArn",), "vpc-flow-logs.amazonaws.com"),
    "AWS::Config::ConfigurationRecorder": (("RoleARN",), "config.amazonaws.com"),
    "AWS::ApiGateway::Account": (("CloudWatchRoleArn",), "apigateway.amazonaws.com"),
}


def _role_named(value: Any) -> str | None:
    target = ref_target(value)
    if target is not None:
        return target
    att = getatt_target(value)
    if att is not None and att[1] == "Arn":
        return att[0]
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"].strip()
        if text.startswith("${") and text.endswith(".Arn}") and text.count("${") == 1:
            return text[2:-5]
    return None


def role_services(data: Any) -> dict[str, set[str]]:
    """Logical ID of a role → the service principals of the resources that use it."""
    out: dict[str, set[str]] = {}
    for res in resources(data):
        spec = ROLE_USERS.get(res.type)
        if spec is None:
            continue
        paths, principal = spec
        for path in paths:
            for _, value, _ in property_values(res, path):
                role = _role_named(value)
                if role is not None:
                    out.setdefault(role, set()).add(principal)
    return out
