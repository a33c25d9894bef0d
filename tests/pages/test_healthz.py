from django.db.utils import OperationalError


def test_it_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_it_reports_a_dead_database(client, db, monkeypatch):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("pages.views.connection", DeadConnection())
    assert client.get("/healthz").status_code == 503


def test_with_redis_it_answers_503_while_the_cache_is_unreachable(client, settings, monkeypatch, db):
    from pages import views

    def down(*args, **kwargs):
        raise ConnectionError("no route to redis")

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    monkeypatch.setattr(views.cache, "set", down)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "cache unavailable"}
