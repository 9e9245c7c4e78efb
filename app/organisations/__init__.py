# A change to organisations moves the tallies and the public cache from one flush hook, so
# the hook is set up whenever organisations are imported (every process that writes them).
from app.organisations import changes as changes
