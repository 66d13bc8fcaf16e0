"""Text mining of what customers write: Persian normalisation, sentiment (a character
n-gram TF-IDF and a linear model trained on the company's labelled texts, or a small
lexicon below a minimum of labelled texts) and themes (NMF over TF-IDF).

Pure functions, no Odoo. Character n-grams need no tokeniser nor downloaded model, so
Persian, English and mixed texts all work.
"""

import functools
import math
import re
from pathlib import Path

import numpy as np

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "sentiment_lexicon.tsv"
SENTIMENTS = ("negative", "neutral", "positive")
# |score| below this is neutral
NEUTRAL_BAND = 0.2
# at least this many labelled texts, and MIN_CLASS of each side, to train a model
MIN_LABELLED = 40
MIN_CLASS = 10
# at most this many labelled texts to train on (the most recent ones)
MAX_TRAIN = 10000

_ARABIC_TO_PERSIAN = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي -> ی
        "\u0649": "\u06cc",  # ى -> ی
        "\u0643": "\u06a9",  # ك -> ک
        "\u0629": "\u0647",  # ة -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0624": "\u0648",  # ؤ -> و
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        "\u200c": " ",  # ZWNJ: می‌خواهم, میخواهم and می خواهم read alike
        "\u200b": "",
        "\u200d": "",
        "\ufeff": "",
        "\u0640": "",  # tatweel
        "\u060c": ",",  # Arabic comma
        "\u061f": "?",
        "\u061b": ";",
    }
)
_DIACRITICS = re.compile("[\u064b-\u0652\u0670]")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")

NEGATORS_BEFORE = frozenset(
    {"not", "no", "never", "dont", "don't", "didnt", "didn't", "isnt", "isn't", "wasnt",
     "wasn't", "nothing", "نه", "هیچ", "بدون"}
)  # fmt: skip
NEGATORS_AFTER = frozenset(
    {"نیست", "نیستم", "نیستیم", "نبود", "نبودم", "نبودیم", "نشد", "نشدم", "نشدیم", "نمیشه"}
)


def normalize(text):
    """Persian letters for Arabic ones (ي/ى -> ی, ك -> ک), Latin digits for Persian and
    Arabic ones, ZWNJ as a space, no diacritics nor tatweel, lower case, single spaces."""
    if not text:
        return ""
    text = _DIACRITICS.sub("", str(text).translate(_ARABIC_TO_PERSIAN))
    return _SPACES.sub(" ", text).strip().lower()


@functools.cache
def load_lexicon(path=LEXICON_PATH):
    """``{normalised word or phrase: weight}`` from a tab-separated file (``#`` comments)."""
    lexicon = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        term, weight = line.rsplit("\t", 1)
        lexicon[normalize(term)] = float(weight)
    return lexicon


def lexicon_score(text, lexicon=None):
    """Sentiment score in [-1, 1] from the lexicon: phrases of three and two words first,
    then words; a negation just before (not, no, نه) or just after (نیست, نبود) flips the
    sign. The sum of the weights over the square root of the matches, through tanh."""
    lexicon = load_lexicon() if lexicon is None else lexicon
    tokens = _TOKEN.findall(normalize(text).replace("'", ""))
    total, hits, i = 0.0, 0, 0
    while i < len(tokens):
        width, weight = 1, None
        for span in (3, 2, 1):  # the longest phrase first
            if i + span <= len(tokens):
                weight = lexicon.get(" ".join(tokens[i : i + span]))
                if weight is not None:
                    width = span
                    break
        if weight is not None:
            before = tokens[max(0, i - 2) : i]
            after = tokens[i + width : i + width + 1]
            if any(t in NEGATORS_BEFORE for t in before) or any(t in NEGATORS_AFTER for t in after):
                weight = -weight
            total += weight
            hits += 1
        i += width
    if not hits:
        return 0.0
    return float(math.tanh(total / math.sqrt(hits)))


def classify(scores, band=NEUTRAL_BAND):
    """'negative', 'neutral' or 'positive' for each score."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores <= -band, "negative", np.where(scores >= band, "positive", "neutral"))


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        min_df=2,
        sublinear_tf=True,
        max_features=100_000,
        dtype=np.float32,
    )


def _pipeline():
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline  # noqa: PLC0415

    return make_pipeline(_vectorizer(), LogisticRegression(C=4.0, max_iter=1000))


def can_train(labels):
    labels = np.asarray(labels, dtype=int)
    return len(labels) >= MIN_LABELLED and min(labels.sum(), len(labels) - labels.sum()) >= (
        MIN_CLASS
    )


def train(texts, labels, folds=5):
    """A sentiment model from labelled texts (label 1 positive, 0 negative) and its
    cross-validated accuracy (stratified ``folds``-fold; NaN with ``folds`` < 2).

    :returns: ``(model, accuracy)``; the model is a scikit-learn pipeline for :func:`predict`
    :raises ValueError: below ``MIN_LABELLED`` texts or ``MIN_CLASS`` of a side
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score  # noqa: PLC0415

    labels = np.asarray(labels, dtype=int)
    if not can_train(labels):
        raise ValueError(
            f"{len(labels)} labelled texts ({int(labels.sum())} positive); at least "
            f"{MIN_LABELLED} with {MIN_CLASS} of each side are needed"
        )
    texts = [normalize(t) for t in texts]
    folds = int(min(folds, labels.sum(), len(labels) - labels.sum()))
    accuracy = math.nan
    if folds >= 2:
        accuracy = cross_val_score(
            _pipeline(), texts, labels, cv=StratifiedKFold(folds, shuffle=True, random_state=0)
        ).mean()
    model = _pipeline().fit(texts, labels)
    return model, float(accuracy)


def predict(model, texts, lexicon=None):
    """Scores in [-1, 1] (2 P(positive) - 1) of ``texts`` with a trained ``model``, or the
    lexicon's scores when ``model`` is None."""
    if model is None:
        return np.array([lexicon_score(t, lexicon) for t in texts], dtype=float)
    proba = model.predict_proba([normalize(t) for t in texts])[:, 1]
    return 2.0 * proba - 1.0


STOP_WORDS = frozenset(
    """a an the and or but of to in on at for with from by is are was were be been it this
    that these those i we you he she they my our your me us them not no so very too have has
    had do did does can could would will just also as if than then there here all any
    و در به از که این آن را با برای تا یا هم اما ولی من ما شما او آنها است بود شد شده
    هست نیست می ها های یک خیلی بسیار دیگر هر چه چون اگر پس روی بر کرد کردم کردیم کنید
    کنم کند ام ایم اید""".split()
)


def themes(texts, n_themes=5, top_terms=5, random_state=0):
    """Themes of ``texts`` by NMF over word TF-IDF (words of two letters or more, seen in
    two texts at least, stop words out).

    :returns: ``(assignments, terms)``: the theme index of each text (-1 when it has none
        of the theme words) and, per theme, its ``top_terms`` strongest words
    """
    from sklearn.decomposition import NMF  # noqa: PLC0415
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

    docs = [normalize(t) for t in texts]
    if len(docs) < 2:
        return np.full(len(docs), -1), []
    vectorizer = TfidfVectorizer(
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
        stop_words=list(STOP_WORDS),
        min_df=2,
        max_df=0.95 if len(docs) >= 20 else 1.0,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # no word in two texts
        return np.full(len(docs), -1), []
    k = max(1, min(n_themes, matrix.shape[0] - 1, matrix.shape[1]))
    nmf = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=400)
    weights = nmf.fit_transform(matrix)
    vocab = vectorizer.get_feature_names_out()
    terms = [
        [str(vocab[i]) for i in np.argsort(-row, kind="stable")[:top_terms] if row[i] > 0]
        for row in nmf.components_
    ]
    assignments = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    return assignments, terms
