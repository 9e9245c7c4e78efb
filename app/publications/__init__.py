# Publishing tells the public cache from a flush hook, set up whenever publications are
# imported (every process that writes them does).
from app.publications import stale as stale
