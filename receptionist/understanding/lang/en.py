"""English callers' words (see `lang/__init__.py`)."""

from __future__ import annotations

from receptionist.understanding.lang.examples_en import EXAMPLES
from receptionist.understanding.lang.words import Words, word_set

WORDS = Words(
    code="en",
    digits={"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
            "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
            "star": "*", "pound": "#", "hash": "#"},
    digit_prefixes=("press", ""),
    weekdays=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    months=("january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"),
    numbers={"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
             "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50},
    # Not "am": "I am free Thursday" is no wish for the morning ("10 am" is a time).
    parts_of_day={"morning": "morning", "mornings": "morning",
                  "afternoon": "afternoon", "afternoons": "afternoon", "evening": "evening",
                  "tonight": "evening", "lunchtime": "lunch", "lunch": "lunch"},
    part_phrases=(("late in the afternoon", "late_afternoon"),
                  ("late afternoon", "late_afternoon"),
                  ("early in the afternoon", "early_afternoon"),
                  ("early afternoon", "early_afternoon"),
                  ("late in the morning", "late_morning"), ("late morning", "late_morning"),
                  ("early in the morning", "early_morning"),
                  ("early morning", "early_morning"), ("first thing", "early_morning")),
    greetings=("good morning", "good afternoon", "good evening"),
    earliest=("earliest", "soonest", "asap", "as soon as possible", "first available",
              "next available", "first opening", "first free", "whenever"),
    relative_days=(("day_after", ("day after tomorrow",)), ("tomorrow", ("tomorrow",)),
                   ("today", ("today", "tonight", "this afternoon", "this morning")),
                   ("next_week", ("next week",)), ("this_week", ("this week",)),
                   ("weekend", ("weekend", "week end"))),
    time_triggers=("at", "around", "about", "by"),
    fillers=word_set("""
        a an the i im id d m ll s ve re me my your to like would want wanna please um uh
        er erm hi hello hey yes yeah yep so just can could you is it its for of and or some
        thanks thank well okay ok need with do be there are am was this that get"""),
    stemmer="english",
    ordinals=("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"),
    ordinal_forms=("{o}", "the {o} one"),
    booking_keys={
        "offer": {"9": ("another day", "a different day", "other day")},
        "confirm": {"1": ("yes", "confirm", "yes please", "yeah", "yep", "sure"),
                    "2": ("no", "another time", "no thanks", "nope")},
        "who": {"0": ("anyone", "anybody", "whoever", "the first available",
                      "first available", "no preference", "doesn't matter", "any")},
        "type": {},
        "manage": {"1": ("cancel", "cancel it", "call it off"),
                   "2": ("move", "move it", "change it", "reschedule", "push it back",
                         "another day"),
                   "3": ("keep", "keep it")}},
    booking_done=("no thanks", "no thank you", "that s all", "that is all", "that s it",
                  "nothing thanks", "never mind", "forget it", "i ll call back",
                  "i will call back", "not now", "no need"),
    yes_no=("yes", "yeah", "yep", "sure", "ok", "okay", "that works", "sounds good", "fine",
            "perfect", "great", "no", "nope", "nah", "none of those", "neither"),
    corrections=("no", "wait", "sorry", "actually", "i mean", "make that", "rather",
                 "instead"),
    examples=EXAMPLES,
    key_verbs=word_set("press push dial hit tap enter select"),
    key_joiners=word_set("or and then"),
    backchannels=word_set("""
        mm mmm hm hmm mhm mmhm uh huh uhhuh aha ah oh yeah yep yup okay ok right alright
        all sure"""),
    key_fillers=word_set("the key number button"),
)
