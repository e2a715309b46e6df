"""Word documents laid out as Party documents (Hướng dẫn 36-HD/VPTW): the schedule notices
and the year's review report. ``party.py`` holds the layout every document shares."""
