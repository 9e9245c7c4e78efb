# The sign-up tallies follow every flush that changes an organisation, so their hook is set
# up whenever organisations are imported (every process that writes them does).
from app.organisations import tallies as tallies
