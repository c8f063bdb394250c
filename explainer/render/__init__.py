"""From walkthrough to what people read.  Takes a ``model.Walkthrough``;
gives strings: the terminal's text, the JSON, and the HTML page (view.py
computes what a page needs, so templates only loop).  The words come
from data/prose.<lang>.toml (prose.py)."""

import explainer

explainer.search_compiled_first(__path__, __name__)
