"""``python -m bot.nlp`` builds the German spaCy pipeline."""

import sys

from bot.nlp.build import main

sys.exit(main(sys.argv[1:]))
