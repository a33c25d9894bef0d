"""Item statistics as in classical test theory: plain arithmetic, no database."""

from teach.itemstats import analyse


def test_item_facility_is_the_mean_mark():
    stats = analyse([(1, 10, 1), (2, 10, 0), (3, 10, 1), (4, 10, 1)])
    assert stats[10].facility == 0.75 and stats[10].n == 4


def test_an_item_that_strong_learners_get_right_discriminates_positively():
    rows = []
    for learner, ability in enumerate([1, 1, 1, 0, 0, 0]):
        rows += [(learner, item, ability) for item in range(5)]  # five items that track ability
    assert analyse(rows)[0].discrimination > 0.9


def test_an_item_that_strong_learners_get_wrong_is_negative():
    rows = []
    for learner, ability in enumerate([1, 1, 1, 0, 0, 0]):
        rows += [(learner, item, ability) for item in range(4)]
        rows.append((learner, 99, 1 - ability))
    assert analyse(rows)[99].discrimination < 0


def test_discrimination_waits_for_enough_learners():
    assert analyse([(1, 1, 1), (1, 2, 0), (2, 1, 0), (2, 2, 1)])[1].discrimination is None
