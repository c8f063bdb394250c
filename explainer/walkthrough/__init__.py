"""From recording to walkthrough.  Takes a ``cpp.recording.Recording``;
gives the ``model.Walkthrough`` every renderer reads: each pass laid out
as kernel-style C, each invocation named with kernel knowledge and what
it declares.  The helper process (helper.py) scans files ahead of the
recorder and lays out passes while it records the next."""

import explainer

explainer.search_compiled_first(__path__, __name__)
