"""Names and Role Provisioning Services: an instructor brings the course's roster into its cohort."""

from django.contrib.auth import get_user_model

from lti.models import Course, Identity
from tests.lti.conftest import INSTRUCTOR, launch
from tests.lti.simulator import LEARNER

User = get_user_model()


def member(user_id, roles=(LEARNER,), status="Active", **fields):
    return {"user_id": user_id, "roles": list(roles), "status": status, **fields}


def teacher_launch(client, simulator):
    launch(client, simulator, target="review", roles=[INSTRUCTOR], sub="teacher-1")
    return Course.objects.get(context_id="course-1")


def test_an_instructor_syncs_the_roster_into_the_cohort(client, platform, simulator):
    course = teacher_launch(client, simulator)
    simulator.members = [
        member("teacher-1", roles=[INSTRUCTOR], name="Tess Teacher"),
        member("s-1", name="Sam One", given_name="Sam", family_name="One", email="sam@example.edu"),
        member("s-2", name="Kim Two"),
        member("s-3", status="Inactive"),
    ]
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert "Roster synced: 2 learners and 1 instructor; 1 no longer active" in response.content.decode()
    learners = set(course.cohort.learners.values_list("lti_identities__subject", flat=True))
    assert learners == {"s-1", "s-2"}
    assert not User.objects.filter(is_staff=True).exists()  # the roster makes nobody staff, trusted or not
    sam = Identity.objects.get(subject="s-1").user
    assert (sam.first_name, sam.last_name, sam.email) == ("Sam", "One", "sam@example.edu")
    course.refresh_from_db()
    assert course.roster_synced is not None

    # A learner who left the course is taken out on the next sync; a second sync adds nobody twice.
    simulator.members[2] = member("s-2", status="Inactive")
    client.post(f"/lti/courses/{course.pk}/roster/")
    assert set(course.cohort.learners.values_list("lti_identities__subject", flat=True)) == {"s-1"}
    assert User.objects.filter(lti_identities__subject="s-1").count() == 1


def test_the_dashboard_offers_the_sync_on_the_course_cohort(client, platform, simulator):
    course = teacher_launch(client, simulator)
    html = client.get(f"/teach/?cohort={course.cohort_id}").content.decode()
    assert f"/lti/courses/{course.pk}/roster/" in html and "Dermatology block" in html


def test_a_platform_that_fails_changes_nothing(client, platform, simulator):
    course = teacher_launch(client, simulator)
    course.memberships_url = f"{simulator.base}/no-such-roster"
    course.save()
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert "could not be read" in response.content.decode()
    assert not course.cohort.learners.exists()


def test_another_instructors_course_is_not_found(client, platform, simulator, instructor):
    course = teacher_launch(client, simulator)
    client.force_login(instructor)
    assert client.post(f"/lti/courses/{course.pk}/roster/").status_code == 404
    assert client.post("/lti/courses/999999/roster/").status_code == 404


def test_the_sync_needs_a_post_from_an_instructor(client, platform, simulator, learner):
    course = teacher_launch(client, simulator)
    assert client.get(f"/lti/courses/{course.pk}/roster/").status_code == 405
    client.force_login(learner)
    assert client.post(f"/lti/courses/{course.pk}/roster/").status_code == 403


def test_a_closed_account_is_left_out_and_the_rest_synced(client, platform, simulator):
    course = teacher_launch(client, simulator)
    simulator.members = [member("s-1"), member("s-9")]
    client.post(f"/lti/courses/{course.pk}/roster/")
    closed = Identity.objects.get(subject="s-9").user
    closed.is_active = False
    closed.save()
    course.cohort.learners.clear()
    simulator.members.append(member("s-10"))
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert "1 with a closed account here, left out" in response.content.decode()
    assert set(course.cohort.learners.values_list("lti_identities__subject", flat=True)) == {"s-1", "s-10"}


def test_an_instructor_who_left_the_course_stops_teaching_its_cohort(client, platform, simulator):
    course = teacher_launch(client, simulator)
    simulator.members = [member("teacher-1", roles=[INSTRUCTOR]), member("t-2", roles=[INSTRUCTOR])]
    client.post(f"/lti/courses/{course.pk}/roster/")
    assert course.cohort.instructors.count() == 2
    simulator.members[1] = member("t-2", roles=[INSTRUCTOR], status="Deleted")
    client.post(f"/lti/courses/{course.pk}/roster/")
    assert list(course.cohort.instructors.values_list("lti_identities__subject", flat=True)) == ["teacher-1"]
