"""Who took part, as a published co-production record says it: never "0 staff"."""

from __future__ import annotations

from app.text import took_part_sentence


def test_counts_of_0_are_left_out_and_1_is_singular() -> None:
    counts = {"people_using_support": 12, "family_carers": 1, "staff": 0,
              "partner_organisations": 0}
    assert took_part_sentence(counts, ["Workshops"]) == ("12 people who use support and 1 "
                                                         "family carer took part. They joined "
                                                         "in through workshops.")


def test_every_count_reads_as_a_list() -> None:
    counts = {"people_using_support": 1, "family_carers": 3, "staff": 1,
              "partner_organisations": 2}
    assert took_part_sentence(counts) == ("1 person who uses support, 3 family carers, "
                                          "1 member of staff and 2 partner organisations "
                                          "took part.")


def test_a_record_with_no_counts_says_people_took_part() -> None:
    """An old record whose boxes were all left at the pre-filled 0 still says how."""
    counts = {"people_using_support": 0, "family_carers": 0, "staff": 0,
              "partner_organisations": 0}
    assert took_part_sentence(counts, ["A survey", "Other"], "a radio phone-in") == \
        "People took part. They joined in through a survey and a radio phone-in."


def test_ways_of_taking_part_read_as_a_sentence() -> None:
    """Keys (a record) and labels (a publication) both read as plain words, joined by
    "and", never "through online, a survey"."""
    counts = {"staff": 2}
    assert took_part_sentence(counts, ["online", "survey", "workshops"]) == \
        "2 staff took part. They joined in through meetings online, a survey and workshops."
    assert took_part_sentence(counts, ["Online", "A survey", "Other"]) == \
        "2 staff took part. They joined in through meetings online, a survey and other ways."
