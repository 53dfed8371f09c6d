"""The deployment files (scripts/deploy/) checked without Docker or a cluster:

- compose.yaml against the Compose Specification's JSON Schema (as the docker-compose 1.29.2 wheel on PyPI
  ships it; scripts/install.sh downloads it), with its ${VAR:-default}s filled in as `docker compose` does,
  plus what the schema cannot see (depends_on names real services, the roles);
- every Kubernetes manifest against the API's own schemas in strict mode (kubernetes-validate: an unknown
  field or a missing required one fails), and that Services, PDBs and HPAs select what exists;
- that every variable the service's containers get is a setting of agent/settings.py (or one the code reads
  itself), that the values given parse as those settings, and that each command line is a real serve.py role;
- that the probes name the gateway's real routes and the HPA the metric the workers export.
Each checker is also shown a broken file and must refuse it.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import json
import re
import sys
import zipfile
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

import serve
from agent import metrics
from agent.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "scripts" / "deploy"
K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.37"
SETTINGS = {name.upper() for name in Settings.model_fields}
# variables read outside Settings: each with the module that reads it (the README lists both)
PROCESS_VARIABLES = {"OMP_NUM_THREADS": "fastmodels.encoder", "FORWARDED_ALLOW_IPS": "uvicorn.config"}
SERVICE_IMAGE = "shop-assistant"
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


def interpolate(value, env: dict[str, str]):
    """${NAME} and ${NAME:-default} as docker compose fills them in ($$ stays a literal $ for the container)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, str):
        filled = INTERPOLATION.sub(lambda m: env.get(m.group(1)) or m.group(2) or "", value)
        return int(filled) if filled != value and filled.isdigit() else filled  # "replicas: ${WORKERS:-4}" is a number
    return value


COMPOSE_WHEEL = Path(sys.prefix) / "share" / "compose" / "docker_compose-1.29.2-py2.py3-none-any.whl"


def compose_file() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_problems(document: dict) -> list[str]:
    schema = json.loads(zipfile.ZipFile(COMPOSE_WHEEL).read("compose/config/compose_spec.json"))
    validator = jsonschema.Draft7Validator(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
    services = document.get("services", {})
    for name, service in services.items():
        depends = service.get("depends_on", {})
        for needed in depends if isinstance(depends, (dict, list)) else []:
            if needed not in services:
                problems.append(f"{name} depends on {needed}, which is no service")
    return problems


def manifests() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def manifest_problems(document: dict) -> list[str]:
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:  # a kind the API does not have
        return [exc.message]
    return []


def of_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in manifests() if doc["kind"] == kind}


def service_containers() -> list[tuple[str, dict]]:
    """(where, container) for every Kubernetes container that runs the service's image."""
    found = []
    for file, doc in manifests():
        pod = (doc.get("spec", {}).get("template") or {}).get("spec") or {}
        for container in pod.get("containers", []):
            if container["image"].split(":")[0].endswith(SERVICE_IMAGE):
                found.append((f"{file}:{doc['metadata']['name']}/{container['name']}", container))
    return found


def compose_service_entries() -> dict[str, dict]:
    services = compose_file()["services"]
    return {name: s for name, s in services.items() if str(s.get("image", "")).split(":")[0] == SERVICE_IMAGE}


# ---------------------------------------------------------------- compose


def test_compose_file_follows_the_compose_specification():
    assert COMPOSE_WHEEL.exists(), "the Compose schema is missing: run bash scripts/install.sh"
    assert compose_problems(interpolate(compose_file(), {})) == []  # as docker compose sees it with the defaults


def test_compose_checker_refuses_a_broken_file():
    broken = copy.deepcopy(compose_file())
    broken["services"]["gateway"]["replica"] = 2  # a misspelt key
    broken["services"]["worker"]["depends_on"]["zookeeper"] = {"condition": "service_started"}
    problems = compose_problems(broken)
    assert any("replica" in p for p in problems) and any("zookeeper" in p for p in problems)


def test_compose_runs_the_whole_stack():
    services = interpolate(compose_file(), {"WORKERS": "6"})["services"]
    assert {"gateway", "worker", "kafka", "topics", "redis", "postgres", "vllm"} <= services.keys()
    assert services["gateway"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 6  # WORKERS picks the number
    kafka = services["kafka"]["environment"]
    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}  # KRaft: no ZooKeeper
    assert not any("zookeeper" in name for name in services)
    devices = services["vllm"]["deploy"]["resources"]["reservations"]["devices"]
    assert any("gpu" in d["capabilities"] for d in devices)
    # the intake topic made with the partitions the service is told it has
    env = services["gateway"]["environment"]
    assert services["topics"]["environment"]["PARTITIONS"] == env["KAFKA_PARTITIONS"]
    assert f"create {env['KAFKA_TOPIC']} \"$PARTITIONS\"" in services["topics"]["command"][0].replace("$$", "$")


# ---------------------------------------------------------------- Kubernetes


def test_every_manifest_follows_the_kubernetes_api():
    problems = {f"{file}:{doc['kind']}/{doc['metadata']['name']}": manifest_problems(doc) for file, doc in manifests()}
    assert {where: p for where, p in problems.items() if p} == {}


def test_kubernetes_checker_refuses_broken_manifests():
    deployment = copy.deepcopy(of_kind("Deployment")["shop-gateway"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/readyz"
    assert manifest_problems(deployment)  # an unknown field
    deployment = copy.deepcopy(of_kind("Deployment")["shop-gateway"])
    del deployment["spec"]["selector"]
    assert manifest_problems(deployment)  # a required field missing
    hpa = copy.deepcopy(of_kind("HorizontalPodAutoscaler")["shop-worker"])
    hpa["spec"]["minReplicas"] = "sixty"
    assert manifest_problems(hpa)  # a value of the wrong type
    assert manifest_problems({"apiVersion": "v1", "kind": "Gateway", "metadata": {"name": "x"}})


def test_kustomization_applies_every_manifest_but_the_secret_example():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert set(listed) == on_disk


def test_services_budgets_and_autoscalers_select_what_exists():
    deployments = of_kind("Deployment")
    pod_labels = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in deployments.items()}
    for name, d in deployments.items():
        assert d["spec"]["selector"]["matchLabels"].items() <= pod_labels[name].items()
    assert {"shop-gateway", "shop-worker", "vllm"} <= deployments.keys()

    def selects(selector: dict) -> set[str]:
        return {name for name, labels in pod_labels.items() if selector.items() <= labels.items()}

    for service in of_kind("Service").values():
        assert len(selects(service["spec"]["selector"])) == 1, service["metadata"]["name"]
        (target,) = selects(service["spec"]["selector"])
        ports = {p["name"] for c in deployments[target]["spec"]["template"]["spec"]["containers"]
                 for p in c.get("ports", [])}
        assert all(p["targetPort"] in ports for p in service["spec"]["ports"])
    budgets = of_kind("PodDisruptionBudget")
    assert set().union(*(selects(b["spec"]["selector"]["matchLabels"]) for b in budgets.values())) == deployments.keys()
    for hpa in of_kind("HorizontalPodAutoscaler").values():
        assert hpa["spec"]["scaleTargetRef"]["name"] in deployments


def test_workers_scale_on_the_lag_they_export():
    hpa = of_kind("HorizontalPodAutoscaler")["shop-worker"]
    external = [m["external"]["metric"]["name"] for m in hpa["spec"]["metrics"] if m["type"] == "External"]
    assert external == [metrics.INTAKE_LAG._name]  # shop_intake_lag{partition}
    # summed over every partition, divided among the workers (the schema does not list the target types)
    assert [m["external"]["target"]["type"] for m in hpa["spec"]["metrics"] if m["type"] == "External"] == [
        "AverageValue"]
    # more workers than partitions would only idle
    partitions = int(of_kind("ConfigMap")["shop-config"]["data"]["KAFKA_PARTITIONS"])
    assert hpa["spec"]["maxReplicas"] <= partitions
    assert of_kind("Deployment")["shop-worker"]["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    job = of_kind("Job")["shop-topics"]["spec"]["template"]["spec"]["containers"][0]
    assert 'create "$KAFKA_TOPIC" "$KAFKA_PARTITIONS"' in job["args"][0]


def test_gateway_probes_ask_its_real_health_routes():
    from agent.gateway import create_app

    # the routes the app documents: app.routes lists an included router, not its routes
    routes = create_app(Settings(), run_worker=False).openapi()["paths"]
    gateway = of_kind("Deployment")["shop-gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/healthz" in routes
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz" in routes
    port = {p["name"]: p["containerPort"] for p in gateway["ports"]}[gateway["readinessProbe"]["httpGet"]["port"]]
    assert str(port) == {e["name"]: e["value"] for e in gateway["env"]}["PORT"]


def test_worker_probes_ask_its_own_health_routes():
    from agent.operations import worker_probes

    routes = worker_probes(None).openapi()["paths"]  # what a standalone worker serves on METRICS_PORT
    worker = of_kind("Deployment")["shop-worker"]["spec"]["template"]["spec"]["containers"][0]
    port = {p["name"]: p["containerPort"] for p in worker["ports"]}
    env = {e["name"]: e["value"] for e in worker["env"]}
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        assert worker[probe]["httpGet"]["path"] == path in routes, probe
        assert str(port[worker[probe]["httpGet"]["port"]]) == env["METRICS_PORT"], probe
    healthcheck = compose_file()["services"]["worker"]["healthcheck"]["test"][-1]
    assert f"127.0.0.1:{compose_file()['services']['worker']['environment']['METRICS_PORT']}/healthz" in healthcheck


def test_worker_metrics_port_is_the_one_scraped():
    worker = of_kind("Deployment")["shop-worker"]["spec"]["template"]
    container = worker["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["HOST"] == "0.0.0.0"  # the metrics server listens on HOST
    assert worker["metadata"]["annotations"]["prometheus.io/port"] == env["METRICS_PORT"]
    assert {p["containerPort"] for p in container["ports"]} == {int(env["METRICS_PORT"])}


def test_vllm_runs_on_gpu_nodes():
    pod = of_kind("Deployment")["vllm"]["spec"]["template"]["spec"]
    assert pod["nodeSelector"]
    (container,) = pod["containers"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert "--served-model-name" in container["args"]
    served = container["args"][container["args"].index("--served-model-name") + 1]
    assert served == of_kind("ConfigMap")["shop-config"]["data"]["LLM_MODEL"]


# ---------------------------------------------------------------- settings and command lines


def given_variables() -> dict[str, dict[str, str | None]]:
    """Where → {variable: literal value, or None when it comes from a Secret}, for every service container."""
    given: dict[str, dict[str, str | None]] = {}
    for name, service in compose_service_entries().items():
        given[f"compose.yaml:{name}"] = {k: None if v is None else str(v)
                                         for k, v in interpolate(service["environment"], {}).items()}
    config = of_kind("ConfigMap")["shop-config"]["data"]
    secret = yaml.safe_load((K8S / "secret.example.yaml").read_text())["stringData"]
    for where, container in service_containers():
        names: dict[str, str | None] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                assert source["configMapRef"]["name"] == "shop-config"
                names.update(config)
            if "secretRef" in source:
                assert source["secretRef"]["name"] == "shop-secrets"
                names.update(dict.fromkeys(secret))
        names.update({e["name"]: e.get("value") for e in container.get("env", [])})
        given[where] = names
    return given


def test_every_variable_is_a_real_setting():
    given = given_variables()
    assert len(given) >= 4  # two compose services, gateway and worker Deployments
    unknown = {where: sorted(set(names) - SETTINGS - PROCESS_VARIABLES.keys()) for where, names in given.items()}
    assert {where: names for where, names in unknown.items() if names} == {}
    for variable, reader in PROCESS_VARIABLES.items():
        assert variable in inspect.getsource(importlib.import_module(reader)), (variable, reader)


def test_the_values_given_parse_as_settings():
    for where, names in given_variables().items():
        values = {k.lower(): v for k, v in names.items() if k in SETTINGS and v}
        Settings(_env_file=None, **values)  # raises on a malformed rate limit, a partition count not a number…
        # the production backends, not the embedded ones (empty = in-process)
        assert {"REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "SHOP_DB_URL"} <= names.keys(), where


def test_setting_check_catches_a_misspelt_variable():
    assert "KAFKA_PARTITION" not in SETTINGS and "KAFKA_PARTITIONS" in SETTINGS
    with pytest.raises(ValueError):
        Settings(_env_file=None, rate_limit_per_address="30 per sec")


def command_lines() -> dict[str, list[str]]:
    lines = {f"compose.yaml:{name}": s["command"] for name, s in compose_service_entries().items()}
    lines.update({where: c["command"] + c.get("args", []) for where, c in service_containers()})
    return lines


@pytest.mark.parametrize("where", sorted(command_lines()))
def test_each_command_is_a_real_serve_py_role(where, capsys):
    command = command_lines()[where]
    assert command[:2] == ["python", "serve.py"], where
    with pytest.raises(SystemExit) as stopped:
        serve.main([*command[2:], "--help"])
    assert stopped.value.code == 0, where


def test_role_check_refuses_a_role_serve_py_does_not_have(capsys):
    with pytest.raises(SystemExit) as stopped:
        serve.main(["workers", "--help"])
    assert stopped.value.code == 2
