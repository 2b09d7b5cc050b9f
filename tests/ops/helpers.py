"""What the ops tests share: a scheduler run recorded at a given age, the metrics read
back from GET /metrics."""
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from app.database import utcnow
from app.extensions import db
from app.ops.models import SchedulerRun

METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"


def scheduler_ran(seconds_ago: float) -> None:
    finished = utcnow() - timedelta(seconds=seconds_ago)
    db.session.add(SchedulerRun(started_at=finished - timedelta(seconds=1),
                                finished_at=finished, handled=0, failed_sweeps=0,
                                process="test:1"))
    db.session.commit()


def scrape(client, token=METRICS_TOKEN) -> dict:
    """GET /metrics -> {(sample name, frozenset of labels): value}."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.data
    return samples(response.get_data(as_text=True))


def samples(text: str) -> dict:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels) -> float:
    """The sample's value (0 when absent: a counter not yet incremented)."""
    return found.get((name, frozenset(labels.items())), 0.0)


def total(found: dict, name: str, **labels) -> float:
    """Sum over the samples of `name` whose labels include `labels`."""
    return sum(v for (n, ls), v in found.items()
               if n == name and set(labels.items()) <= set(ls))
