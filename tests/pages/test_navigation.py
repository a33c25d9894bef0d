"""The navigation offers each person what they may open."""


def test_navigation_shows_admin_only_to_instructors(learner_client, client, instructor):
    assert b'href="/admin/"' not in learner_client.get("/").content
    client.force_login(instructor)
    assert b'href="/admin/"' in client.get("/").content


def test_learners_never_reach_admin(learner_client):
    response = learner_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
