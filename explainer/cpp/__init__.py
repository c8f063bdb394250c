"""The recording preprocessor.  Takes a translation unit; gives a
``recording.Recording``: every read of the header (a pass) with the
tokens it produced, exactly as gcc -E produces them, the #defines and
#undefs between passes, and each top-level invocation with the origin of
its tokens and the steps of its expansion.  Built on pcpp (recorder.py);
lexers, file scans, macro definitions, expansion and #if live beside it."""

import explainer

explainer.search_compiled_first(__path__, __name__)
