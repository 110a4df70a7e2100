"""Emojis that say how a customer feels, with their strength (1 mild, 2 strong).

Only these reach the model, and only through the lexicon: the n-grams never see emojis, so an
emoji added to a turn moves it as far as this table says and no further. Acknowledgements (👍, 👌,
🙂 on its own) are not here: in the label guide a bare acknowledgement is NEUTRAL.
"""

NEGATIVE = {"😡": 2, "🤬": 2, "😠": 2, "👎": 2, "💩": 2, "🤮": 2, "🖕": 2, "😤": 1, "😒": 1, "🙄": 1,
            "😞": 1, "😢": 1, "😭": 1, "😩": 1, "😫": 1, "😔": 1, "☹": 1, "🙁": 1, "😕": 1, "😑": 1}

POSITIVE = {"😍": 2, "🥰": 2, "🤩": 2, "❤": 2, "💯": 2, "🙌": 2, "👏": 2, "🎉": 2, "💕": 2, "💖": 2,
            "💙": 2, "💚": 2, "🥳": 2, "😊": 1, "😀": 1, "😃": 1, "😄": 1, "😁": 1, "🙏": 1, "✨": 1,
            "🤗": 1, "☺": 1}
