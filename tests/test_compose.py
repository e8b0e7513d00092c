"""compose.yaml runs the production layout the README describes, and the image has what
`make run` has (espeak-ng, the bundled speech)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded = YAML(typ="safe").load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_web_instances_a_worker_and_postgresql_share_what_they_must() -> None:
    services = compose()["services"]
    webs = [name for name, s in services.items() if s.get("command") == "web-only"]
    assert len(webs) >= 2 and [n for n, s in services.items()
                               if s.get("command") == "worker"] == ["worker"]
    app = [*webs, "worker"]
    for name in app:
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["RECEPTIONIST_ENV"] == "production"
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "recordings:/app/data/recordings" in services[name]["volumes"]
    # Each web instance keeps its own spool (README: SPOOL_DIR is per web instance).
    spools = [v for name in webs for v in services[name]["volumes"] if v.endswith("/spool")]
    assert len(set(spools)) == len(webs)
    proxy = services["proxy"]["command"]
    assert all(f"--to {name}:8000" in proxy for name in webs)
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert set(compose()["volumes"]) >= {"recordings", "postgres"}


def test_the_readme_and_the_image_say_the_same() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "docker compose up" in readme and "compose.yaml" in readme
    assert "receptionist worker" in readme and "web-only" in readme
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "espeak-ng" in dockerfile and "whisper-base" in dockerfile
    assert "does not install espeak-ng" not in readme
    example = (ROOT / ".env.example").read_text()
    for variable in ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL",
                     "POSTGRES_PASSWORD"):
        assert f"{variable}=" in example


def test_health_checks_ask_for_readiness() -> None:
    """Web instances are healthy once /readyz says 200 (models loaded), the proxy waits
    for them, the worker (no HTTP) has no check, and the image checks /readyz too."""
    services = compose()["services"]
    webs = [name for name, s in services.items() if s.get("command") == "web-only"]
    for name in webs:
        check = services[name]["healthcheck"]
        assert any("/readyz" in part for part in check["test"])
        assert "/healthz" not in " ".join(check["test"])
        assert check["start_period"]  # loading the models is not a failure
        assert services["proxy"]["depends_on"][name]["condition"] == "service_healthy"
    assert services["worker"]["healthcheck"] == {"disable": True}
    healthcheck = [line for line in (ROOT / "Dockerfile").read_text().splitlines()
                   if line.startswith("HEALTHCHECK")]
    assert len(healthcheck) == 1 and "/readyz" in healthcheck[0]
    assert "--start-period=" in healthcheck[0]
