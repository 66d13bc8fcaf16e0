from analytics import text


def test_normalize_persian():
    # Arabic yeh and kaf, ZWNJ, Persian and Arabic digits, tatweel, diacritics
    assert text.normalize("كيفيت\u200cها ۱۲۳ و ٤٥ خــوب") == "کیفیت ها 123 و 45 خوب"
    assert text.normalize("مُشکل") == "مشکل"
    assert text.normalize("  Very  GOOD ") == "very good"
    assert text.normalize(None) == ""


def test_lexicon_sentences():
    assert text.lexicon_score("The service was excellent, thank you") > 0.5
    assert text.lexicon_score("Terrible, the box arrived broken") < -0.5
    assert text.lexicon_score("The product was not good") < 0
    assert text.lexicon_score("The order number is 12") == 0.0
    # Persian, with Arabic letters and a ZWNJ: still recognised
    assert text.lexicon_score("خیلی عالی بود، ممنون") > 0.5
    assert text.lexicon_score("كيفيت افتضاح و تاخير زياد") < -0.5
    assert text.lexicon_score("از خرید راضی نیستم") < 0  # negated after the word
    assert text.lexicon_score("دیگه نمی\u200cخرم") < 0  # a three-word phrase
    assert list(text.classify([-0.9, 0.0, 0.1, 0.6])) == [
        "negative",
        "neutral",
        "neutral",
        "positive",
    ]


def _corpus():
    good = [
        "ارسال سریع بود ممنون",
        "great service thanks",
        "کیفیت عالی راضی هستم",
        "fast delivery very happy",
        "پشتیبانی خوب و مودب",
    ]
    bad = [
        "بسته دیر رسید و خراب بود",
        "awful support never again",
        "کالا معیوب و ناقص بود",
        "late delivery broken box",
        "پاسخگو نبودند افتضاح",
    ]
    # six copies of each, with a number that carries no sentiment
    texts = [f"{t} {i}" for i in range(6) for t in good + bad]
    return texts, [1 if (i % 10) < 5 else 0 for i in range(60)]


def test_trained_model_reads_persian_and_english():
    texts, labels = _corpus()
    model, accuracy = text.train(texts, labels)
    assert accuracy >= 0.9
    scores = text.predict(model, ["ارسال سريع، ممنون", "broken box, late", "great, thanks"])
    assert scores[0] > 0 and scores[1] < 0 and scores[2] > 0


def test_train_needs_a_minimum():
    assert not text.can_train([1] * 35 + [0] * 5)
    try:
        text.train(["a"] * 20, [1] * 10 + [0] * 10)
    except ValueError as error:
        assert "at least 40" in str(error)
    else:
        raise AssertionError("trained on 20 texts")


def test_nmf_themes_on_a_toy_corpus():
    delivery = [
        "late delivery courier",
        "delivery late again courier",
        "courier delivery delay",
        "ارسال دیر پیک",
        "پیک ارسال دیر",
    ]
    quality = [
        "broken screen defective",
        "defective screen broken",
        "screen broken defective unit",
        "کیفیت کالا معیوب",
        "کالا معیوب کیفیت",
    ]
    assignments, terms = text.themes(delivery + quality, n_themes=2, top_terms=3)
    assert len(terms) == 2
    # each English group lands in one theme, the two groups in different ones
    assert len(set(assignments[:3])) == 1 and len(set(assignments[5:8])) == 1
    assert assignments[0] != assignments[5]
    delivery_theme = terms[assignments[0]]
    assert "delivery" in delivery_theme or "courier" in delivery_theme
