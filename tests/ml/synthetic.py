"""Synthetic labelled conversations for the ml tests: each label speaks its own words, in es, pt and en.

Small enough to train in well under a second, clear enough that a model that learns anything at all
scores far above chance on conversations it has not seen.
"""

import json
import random
from pathlib import Path

from ml.labels import DISSATISFIED, NEUTRAL, SATISFIED

LANGUAGES = ("es", "pt", "en")

PHRASES = {
    SATISFIED: {
        "en": ["thanks so much", "great service", "perfect, all solved", "love it", "excellent help"],
        "es": ["muchas gracias", "excelente atención", "perfecto, resuelto", "me encanta", "genial la ayuda"],
        "pt": ["muito obrigado", "ótimo atendimento", "perfeito, resolvido", "adorei", "excelente ajuda"],
    },
    DISSATISFIED: {
        "en": ["this is terrible", "still broken", "I want a refund", "worst service ever", "awful, I am angry"],
        "es": ["esto es pésimo", "sigue roto", "quiero un reembolso", "el peor servicio", "horrible, estoy enojado"],
        "pt": ["isso é péssimo", "continua quebrado", "quero reembolso", "o pior serviço", "horrível, estou irritado"],
    },
    NEUTRAL: {
        "en": ["what are your opening hours", "order status please", "which address", "when does it ship", "do you have size M"],
        "es": ["cuál es el horario", "estado del pedido", "qué dirección", "cuándo envían", "tienen talle M"],
        "pt": ["qual o horário", "status do pedido", "qual endereço", "quando enviam", "tem tamanho M"],
    },
}

GREETING = {"en": "Hello, how can I help?", "es": "Hola, ¿en qué puedo ayudar?", "pt": "Olá, como posso ajudar?"}
FOLLOW_UP = {"en": "Let me check that for you.", "es": "Déjame revisarlo.", "pt": "Vou verificar para você."}

# What annotators would have scored each label in the USS format.
USS_SCORES = {SATISFIED: "5,4,5", NEUTRAL: "3,3,4", DISSATISFIED: "1,2,1"}


def conversations(per_label: int = 60, seed: int = 1) -> list[dict]:
    """`per_label` conversations per label, shuffled: customer, agent, agent, customer; both customer turns labelled."""
    rnd = random.Random(seed)
    out = []
    for label, languages in PHRASES.items():
        for i in range(per_label):
            language = LANGUAGES[i % len(LANGUAGES)]
            first, last = rnd.sample(languages[language], 2)
            out.append(
                {
                    "id": f"{label.lower()}-{seed}-{i}",
                    "language": language,
                    "label": label,
                    "turns": [
                        {"role": "CUSTOMER", "text": f"{first}, pedido {rnd.randint(1000, 9999)}", "label": label},
                        {"role": "AGENT", "text": GREETING[language]},
                        {"role": "AGENT", "text": FOLLOW_UP[language]},
                        {"role": "CUSTOMER", "text": last, "label": label},
                    ],
                }
            )
    rnd.shuffle(out)
    return out


def write_jsonl(path: Path, per_label: int = 60, seed: int = 1) -> Path:
    lines = [json.dumps(c, ensure_ascii=False) for c in conversations(per_label, seed)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_uss(path: Path, per_label: int = 10, seed: int = 2) -> Path:
    blocks = []
    for c in conversations(per_label, seed):
        lines = []
        for turn in c["turns"]:
            if turn["role"] == "CUSTOMER":
                lines.append(f"USER\t{turn['text']}\tinform\t{USS_SCORES[turn['label']]}")
            else:
                lines.append(f"SYSTEM\t{turn['text']}\trequest\t")
        lines.append(f"USER\tOVERALL\t\t{USS_SCORES[c['label']]}")
        blocks.append("\n".join(lines))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path
