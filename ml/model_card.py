"""The model card written beside every trained version, from its manifest."""

from typing import Any

from ml.report import headline_text


def _slices(figures: dict[str, Any]) -> list[str]:
    lines = ["| slice | n | UAR | 95% CI | macro F1 | kappa | recall D / N / S |", "|---|---|---|---|---|---|---|"]
    for kind, slices in (figures.get("slices") or {}).items():
        for value, row in slices.items():
            low, high = row["uar_ci95"]
            recall = " / ".join(f"{row['recall'][label]:.2f}" for label in ("DISSATISFIED", "NEUTRAL", "SATISFIED"))
            lines.append(f"| {kind}: {value} | {row['n']} | {row['uar']:.3f} | {low:.3f}-{high:.3f} | {row['macro_f1']:.3f}"
                         f" | {row['kappa']:.3f} | {recall} |")
    return lines


def _held_out(held: dict[str, Any]) -> list[str]:
    low, high = held["uar_ci95"]
    lines = [
        f"UAR (macro recall) **{held['uar']:.3f}** (95% bootstrap interval over conversations {low:.3f}-{high:.3f}),"
        f" macro F1 {held['macro_f1']:.3f}, Cohen's kappa {held['kappa']:.3f}, accuracy {held['accuracy']:.3f}, n = {held['n']}.",
        "",
        "| label | precision | recall | f1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, row in held["per_class"].items():
        lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
    lines += ["", "Confusion matrix (rows true, columns predicted; " + ", ".join(held["labels"]) + "):", ""]
    lines += ["    " + " ".join(f"{v:5d}" for v in row) for row in held["confusion_matrix"]]
    lines += ["", "By language and by position of the judged turn:", "", *_slices(held)]
    return lines


def model_card(manifest: dict[str, Any]) -> str:
    data = manifest["training_data"]
    params = manifest["parameters"]
    held = manifest["metrics"]["heldout"]
    lines = [
        f"# Satisfaction model `{manifest['version']}`",
        "",
        "Labels a customer-service conversation SATISFIED, NEUTRAL or DISSATISFIED from its text, with",
        "calibrated probabilities and the terms behind the label.",
        "",
        "## Intended use",
        f"- Trained at **{manifest['level']} level**: each example is a conversation up to a customer turn.",
        "  Rapport labels a whole conversation from all of it and each customer turn from the conversation",
        "  up to that turn.",
        "- A signal for prioritising follow-up and tracking trends, not a verdict on a person. Check it on",
        "  your own conversations (`rapport model evaluate`) before relying on it.",
        "",
        "## Training data",
        f"- {data['description']}",
        f"- sha256 of the data: `{data['sha256']}`",
        f"- Examples per label: {', '.join(f'{k} {v}' for k, v in data['class_counts'].items())}",
        f"- Trained on {data['train_examples']} examples; {data['heldout_examples']} held out"
        f" ({params['holdout']:.0%} of the conversations, whole conversations, seed {params['seed']}).",
        "",
        "## Pipeline",
        "TF-IDF word 1-2-grams of the customer's last turn, of the agent's turn before it and of the",
        f"customer's {params.get('earlier_turns')} turns before (kept apart), without n-grams made only of function words;",
        "character 4-grams of the customer's last turn; a polarity lexicon of Spanish, Portuguese and",
        "English (strong and mild words and phrases, negations, intensifiers, sarcasm markers, emojis) read",
        "from the last turn and from the earlier ones; position and length in words. Text is folded for",
        "case, accents, digits and stretched letters, and punctuation never reaches the n-grams: \"!\",",
        "capitals and stretched letters only scale the lexicon's polarity, so on their own they say nothing.",
        "Class-balanced logistic regression with sigmoid calibration on balanced weights, so probabilities",
        "are those of a population with the three labels equally common.",
        "",
        "Parameters: " + ", ".join(f"`{k}={v}`" for k, v in params.items()),
        f"Features version {manifest['features']['version']}, lexicon sha256 `{manifest['features']['lexicon_sha256'][:16]}…`.",
        "",
        "## Held-out metrics (customer turns)",
    ]
    if held:
        lines += _held_out(held)
    else:
        lines.append("None: trained without a held-out part (`--holdout 0`).")
    whole = manifest["metrics"].get("heldout_conversations")
    if whole:
        lines += [
            "",
            "Whole held-out conversations against their conversation labels (the verdict Rapport stores per",
            f"conversation): {headline_text(whole)}.",
        ]
    lines += [
        "",
        "## Limitations",
        "- The corpus is written by the project, not drawn from real customers; these figures say how well",
        "  the model learnt it, not how it does on your traffic. Evaluate it on your own labelled conversations.",
        "- Bag-of-words with a lexicon: sarcasm is caught through its markers and through praise beside a",
        "  complaint, not understood; irony without a marker is missed.",
        "- Languages and registers missing from the training data are guessed at poorly.",
        "",
        "## Reproduce",
        f"`{manifest['command']}`" if manifest.get("command") else "(command not recorded)",
        "",
        f"Libraries: {', '.join(f'{k} {v}' for k, v in manifest['libraries'].items())}. Created {manifest['created_at']}.",
        "",
    ]
    return "\n".join(lines)
