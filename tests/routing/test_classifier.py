import dataclasses
import json

import numpy as np
import pytest
import sklearn

from hotline.routing import classifier
from hotline.routing.text import FUNCTION_WORDS, normalize, strip_function_words, tokenize
from tests.routing.conftest import LABELLED_CSV, PROBLEMS, corpus


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  小区\n  门口路灯\r\n不亮 ", "小区门口路灯不亮"),
        ("ＷｉＦｉ　信号差，３号楼", "wifi信号差,3号楼"),
        ("wifi  router\t坏了", "wifi router坏了"),
        ("\n\t \u3000", ""),
    ],
)
def test_normalize_removes_stray_whitespace_and_full_width_forms(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_tokenize_gives_words_without_punctuation() -> None:
    words = tokenize("幸福路小区停水三天了！！请尽快\n恢复供水。")
    assert "停水" in words
    assert "供水" in words
    assert not any(word in {"！", "!", "。", ","} for word in words)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们小区的路灯已经坏了，请尽快修理！", "小区路灯已经坏请修理"),
        ("2017年1月11日反映过3次", "2017年月11日反映过次"),  # lone digits go, as in the copies
        ("a1区的5a景区 wifi router", "a1区5a景区wifirouter"),  # codes and words stay
        ("不得不说，综上所述", "说"),  # longer function words first
        ("！！！的了吗", ""),
    ],
)
def test_strip_function_words_leaves_the_content(text: str, expected: str) -> None:
    assert strip_function_words(normalize(text)) == expected


def test_function_words_are_chinese_and_unique() -> None:
    assert len(FUNCTION_WORDS) == len(set(FUNCTION_WORDS)) > 200
    assert all("\u4e00" <= char <= "\u9fff" for word in FUNCTION_WORDS for char in word)
    assert "保险" not in FUNCTION_WORDS  # kept inside 养老保险 by the copies, so kept here too


def test_predict_top_ranks_the_right_category_first(small_model: classifier.Model) -> None:
    cases = {
        "和平路的路灯不亮了，晚上很黑": "城乡建设",
        "隔壁工地夜间施工噪音太大，睡不着": "环境保护",
        "孩子所在的学校乱收补课费": "教育文体",
        "老板拖欠工资不给，怎么办": "劳动和社会保障",
    }
    for text, label in cases.items():
        top = classifier.predict_top(small_model, text, k=3)
        assert top[0][0] == label, (text, top)
        assert len(top) == 3
        probabilities = [p for _label, p in top]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_probabilities_over_all_labels_sum_to_one(small_model: classifier.Model) -> None:
    texts = ["路灯坏了", "垃圾没人清运", "随便说点什么", ""]
    probabilities = classifier.predict_proba(small_model, texts)
    assert probabilities.shape == (4, len(PROBLEMS))
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
    everything = classifier.predict_top(small_model, "路灯坏了", k=10)
    assert len(everything) == len(PROBLEMS)
    assert sum(p for _label, p in everything) == pytest.approx(1.0, abs=1e-6)


# The model's last step: the SVM with either calibration, or the folded stack (routing.stacking).
FINAL = {
    "sigmoid": {"calibration": "sigmoid"},
    "temperature": {"calibration": "temperature"},
    "stack": {"model": "stack"},
    "stack-of-two": {"model": "stack", "stack_bases": ("svm", "nb_chars")},
    "stack-with-the-svm": {"model": "stack", "stack_bases": ("svm", "nb_chars", "nb_all", "ridge")},
}


@pytest.mark.parametrize("final", list(FINAL))
@pytest.mark.parametrize(
    "features",
    [
        classifier.DEFAULT_SETTINGS,
        classifier.FeatureSettings(
            head_chars=0, word_ngram=(1, 2), sublinear_tf=False, strip_function_words=False
        ),
        classifier.FeatureSettings(max_chars=40, word_max_chars=12, head_chars=8, head_weight=0.5),
    ],
    ids=["default", "no-head", "cut"],
)
def test_the_one_text_scorer_agrees_with_the_pipeline(
    features: classifier.FeatureSettings, final: str, monkeypatch
) -> None:
    monkeypatch.setattr(classifier, "STACK_MIN_PER_LABEL", 2)  # a stack even on this small corpus
    texts, labels = corpus(per_label=8)
    model = classifier.train(texts, labels, features.replace(**FINAL[final]))
    probes = [
        "路灯坏了",
        "",
        "！！！",
        "完全无关的句子 with english words",
        "ＡＢＣ１２３ 垃圾 噪音\n路灯" * 30,
        *texts[::5],
    ]
    expected = classifier.predict_proba(model, probes)
    got = np.array([model.scorer.predict_proba(text) for text in probes])
    assert np.allclose(got, expected, atol=1e-6), np.abs(got - expected).max()
    assert list(model.scorer.classes) == model.labels


@pytest.mark.parametrize("final", list(FINAL))
def test_the_scorer_agrees_with_the_pipeline_for_two_classes(final: str, monkeypatch) -> None:
    """scikit-learn keeps one margin (and one calibrator) for a binary problem, not one per class."""
    monkeypatch.setattr(classifier, "STACK_MIN_PER_LABEL", 2)
    texts, labels = corpus(per_label=8)
    two = [(t, label) for t, label in zip(texts, labels, strict=True) if label in ("城乡建设", "环境保护")]
    model = classifier.train(
        [t for t, _ in two], [label for _, label in two], classifier.FeatureSettings(**FINAL[final])
    )
    probes = ["路灯坏了", "垃圾发臭", "", *[t for t, _ in two][::3]]
    expected = classifier.predict_proba(model, probes)
    got = np.array([model.scorer.predict_proba(text) for text in probes])
    assert np.allclose(got, expected, atol=1e-6), np.abs(got - expected).max()
    assert classifier.predict_top(model, "垃圾堆积发臭", k=2)[0][0] == "环境保护"


def test_pipelines_saved_before_the_stripping_keep_predicting_as_before() -> None:
    texts, labels = corpus(per_label=8)
    old = classifier.FeatureSettings(strip_function_words=False, model="svm")
    model = classifier.train(texts, labels, old)
    # A pipeline pickled before the setting existed has only max_chars among its arguments.
    model.pipeline.named_steps["prepare"].kw_args = {"max_chars": old.max_chars}
    probes = ["我们的路灯坏了！！", "学校乱收费，怎么办？"]
    expected = classifier.predict_proba(model, probes)
    assert np.allclose([model.scorer.predict_proba(text) for text in probes], expected, atol=1e-6)
    settings = dataclasses.asdict(old)
    del settings["strip_function_words"], settings["model"]
    assert classifier.FeatureSettings.from_dict(settings) == old


def test_stacks_saved_before_the_choice_of_base_models_keep_their_two(monkeypatch) -> None:
    from hotline.routing.stacking import StackedLinear

    monkeypatch.setattr(classifier, "STACK_MIN_PER_LABEL", 2)
    texts, labels = corpus(per_label=8)
    two = classifier.FeatureSettings(model="stack", stack_bases=("svm", "nb_chars"))
    settings = dataclasses.asdict(two)
    del settings["stack_bases"]  # meta.json of a stack saved before the setting existed
    assert classifier.FeatureSettings.from_dict(settings) == two
    model = classifier.train(texts, labels, classifier.FeatureSettings(model="stack"))
    stack = model.pipeline.named_steps["classifier"]
    assert stack.get_params()["bases"] == ("nbsvm", "nb_chars", "nb_all", "ridge")
    old = StackedLinear.__new__(StackedLinear)  # as unpickled from before: no `bases` attribute
    old.__dict__.update({k: v for k, v in stack.__dict__.items() if k != "bases"})
    assert old.get_params()["bases"] == ("svm", "nb_chars")
    assert np.array_equal(
        old.predict_proba(model.pipeline[:-1].transform(texts)),
        stack.predict_proba(model.pipeline[:-1].transform(texts)),
    )


def test_a_stack_of_an_unknown_base_model_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(classifier, "STACK_MIN_PER_LABEL", 2)
    texts, labels = corpus(per_label=8)
    with pytest.raises(ValueError, match=r"'forest'.*choose from svm, nbsvm, nb_chars, nb_all, ridge"):
        classifier.train(texts, labels, classifier.FeatureSettings(stack_bases=("svm", "forest")))


def test_near_duplicate_groups_tie_copies_and_reposts_only() -> None:
    message = "幸福路小区的路灯已经坏了三个月，晚上出门很不安全，我们多次反映都没有人来修，请尽快处理。"
    copy = strip_function_words(normalize(message))  # as the segmented copies in the labelled data
    repost = message.replace("请尽快处理", "希望有关部门管一管")
    others = [
        "光明小区旁边的工地夜间施工，噪音太大，孩子睡不着觉，请环保部门来查一查。",
        "公司已经拖欠我们三个月的工资了，老板一直躲着不见人，劳动监察能不能管一管？",
        "孩子所在的学校要求家长购买指定的教辅资料，一本一百多元，这合理吗？",
    ]
    groups = classifier.near_duplicate_groups([message, others[0], copy, others[1], repost, others[2]])
    assert groups[0] == groups[2] == groups[4]
    assert len({groups[0], groups[1], groups[3], groups[5]}) == 4
    assert classifier.near_duplicate_groups([]) == []
    assert classifier.near_duplicate_groups(["路", "灯"]) == [0, 1]


def test_cross_validation_folds_keep_each_group_on_one_side() -> None:
    texts, labels = corpus(per_label=12)
    groups = [i // 2 for i in range(len(texts))]  # pairs, always of one label in this corpus
    splits, grouped = classifier.stratified_folds(labels, labels, groups, 3, seed=0)
    assert grouped
    for train_idx, test_idx in splits:
        assert not {groups[i] for i in train_idx} & {groups[i] for i in test_idx}
    result = classifier.cross_validate(texts, labels, folds=3, groups=groups)
    assert result["grouped"] and result["duplicate_groups"] == len(texts) // 2
    assert result["rows_in_duplicate_groups"] == len(texts)
    # A group holding most of one label cannot be spread over the folds: plain stratified folds.
    too_big = [0 if label == labels[0] else i + 1 for i, label in enumerate(labels)]
    result = classifier.cross_validate(texts, labels, folds=3, groups=too_big)
    assert not result["grouped"]
    assert sum(fold["n"] for fold in result["folds"]) == len(texts)


def test_evaluate_reports_scores_per_class_and_the_confusion_matrix(small_model: classifier.Model) -> None:
    texts = ["和平路的路灯不亮了", "工厂往河里排污水", "幼儿园报名太难", "单位一直不交社保", "路灯坏了"]
    labels = ["城乡建设", "环境保护", "教育文体", "劳动和社会保障", "环境保护"]  # the last one is wrong
    result = classifier.evaluate(small_model, texts, labels)
    assert result["n"] == 5
    assert result["accuracy"] == pytest.approx(0.8)
    assert 0.0 < result["macro_f1"] < 1.0
    assert set(result["per_class"]) == set(PROBLEMS)
    assert result["per_class"]["教育文体"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert result["per_class"]["环境保护"]["recall"] == 0.5
    matrix = result["confusion_matrix"]
    assert matrix["labels"] == small_model.labels
    assert sum(map(sum, matrix["matrix"])) == 5
    i, j = matrix["labels"].index("环境保护"), matrix["labels"].index("城乡建设")
    assert matrix["matrix"][i][j] == 1
    json.dumps(result)  # plain types only


def test_save_and_load_give_the_same_predictions(small_model: classifier.Model, tmp_path) -> None:
    folder = classifier.save(small_model, tmp_path / "m1")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    texts, _labels = corpus()
    assert meta["labels"] == small_model.labels
    assert meta["data_size"] == len(texts)
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["settings"]["char_ngram"] == list(classifier.DEFAULT_SETTINGS.char_ngram)
    assert meta["training_seconds"] > 0
    assert meta["created_at"].endswith("+00:00")
    assert meta["size_bytes"] == (folder / "model.joblib").stat().st_size

    loaded = classifier.load(folder)
    probe = ["楼道墙皮掉了", "公积金提取不了"]
    assert np.allclose(classifier.predict_proba(loaded, probe), classifier.predict_proba(small_model, probe))
    assert loaded.meta["labels"] == meta["labels"]
    # The small corpus is trained as the plain SVM (too few examples for the stack); all else as asked.
    assert classifier.FeatureSettings.from_dict(meta["settings"]) == classifier.DEFAULT_SETTINGS.replace(
        model="svm"
    )


def test_load_refuses_what_is_not_a_model(tmp_path) -> None:
    with pytest.raises(classifier.ModelLoadError, match="not a model folder"):
        classifier.load(tmp_path / "nowhere")
    (tmp_path / "model.joblib").write_bytes(b"not a pickle")
    (tmp_path / "meta.json").write_text(json.dumps({"format": classifier.FORMAT_VERSION}), encoding="utf-8")
    with pytest.raises(classifier.ModelLoadError, match="unreadable"):
        classifier.load(tmp_path)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["甲"] * 6, "at least two different labels"),
        (["甲"] * 5 + ["乙"], "at least 2 examples"),
    ],
)
def test_train_refuses_data_it_cannot_learn_from(labels: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        classifier.train(["文本"] * len(labels), labels)


def test_cross_validation_reports_the_spread_and_subsets() -> None:
    texts, labels = corpus(per_label=9)
    first_third = [i % 3 == 0 for i in range(len(texts))]
    result = classifier.cross_validate(texts, labels, folds=3, subsets={"some": first_third})
    assert result["k"] == 3
    assert len(result["folds"]) == 3
    assert sum(fold["n"] for fold in result["folds"]) == len(texts)
    assert result["macro_f1"] == pytest.approx(np.mean([f["macro_f1"] for f in result["folds"]]), abs=1e-4)
    assert result["macro_f1_std"] >= 0
    assert result["macro_f1"] > 0.6  # six examples per class to learn from; chance is 0.25
    assert sum(map(sum, result["confusion_matrix"]["matrix"])) == len(texts)
    some = result["subsets"]["some"]
    assert some["n"] == sum(first_third)
    assert sum(fold["n"] for fold in some["folds"]) == sum(first_third)


def test_cross_validation_needs_enough_examples_per_fold() -> None:
    texts, labels = corpus(per_label=3)
    with pytest.raises(ValueError, match="5 folds need at least 5"):
        classifier.cross_validate(texts, labels, folds=5)


def test_real_messages_are_classified_well() -> None:
    """A few hundred real messages (form=raw) of the TipDM set: a sanity check, not the benchmark."""
    if not LABELLED_CSV.is_file():
        pytest.skip(f"real data not found at {LABELLED_CSV} (the shared data folder is absent)")
    from hotline.routing.dataset import read_labelled_csv

    data = read_labelled_csv(LABELLED_CSV, extra_cols=("form",))
    raw = [i for i, form in enumerate(data.extra["form"]) if form == "raw"][::7]  # ~400 rows, every class
    texts, labels = [data.texts[i] for i in raw], [data.labels[i] for i in raw]
    train_part = [i for i in range(len(texts)) if i % 4]
    test_part = [i for i in range(len(texts)) if not i % 4]
    model = classifier.train([texts[i] for i in train_part], [labels[i] for i in train_part])
    result = classifier.evaluate(model, [texts[i] for i in test_part], [labels[i] for i in test_part])
    assert result["n"] == len(test_part)
    assert result["accuracy"] > 0.7


def test_the_stack_is_one_linear_model_that_the_explanations_read(monkeypatch) -> None:
    """The folded stack's logits are linear in the features: each term's share adds up to the logit."""
    from hotline.routing.explain import top_terms

    monkeypatch.setattr(classifier, "STACK_MIN_PER_LABEL", 2)
    texts, labels = corpus(per_label=8)
    model = classifier.train(texts, labels, classifier.FeatureSettings(model="stack"))
    stack = model.pipeline.named_steps["classifier"]
    assert model.meta["settings"]["model"] == "stack"
    assert stack.coef_.shape == (
        len(model.labels),
        sum(len(v.vocabulary_) for _n, v in model.pipeline.named_steps["features"].transformer_list),
    )
    text = "小区垃圾堆积发臭没人清运"
    assert classifier.predict_top(model, text)[0][0] == "环境保护"
    terms = top_terms(model, text, ["环境保护"])["环境保护"]
    assert terms and all(t.weight > 0 for t in terms)
    assert any("垃圾" in t.term for t in terms)


def test_with_few_examples_per_label_a_stack_is_trained_as_the_plain_svm(monkeypatch) -> None:
    texts, labels = corpus(per_label=8)
    model = classifier.train(texts, labels)  # the default asks for the stack
    assert classifier.DEFAULT_SETTINGS.model == "stack"
    assert model.meta["settings"]["model"] == "svm"
    assert hasattr(model.pipeline.named_steps["classifier"], "calibrated_classifiers_")
    monkeypatch.setattr(classifier, "STACK_MIN_PER_LABEL", 8)
    assert classifier.train(texts, labels).meta["settings"]["model"] == "stack"
