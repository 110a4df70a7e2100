"""Short strong complaints and praise in Spanish, Portuguese and English that any support lead reads
at a glance, and bare acknowledgements that are neither. None of the complaints and praise is in
ml/corpus (a test checks it): they test what the model learnt, not what it memorised.

Each is also probed shouted (capitals), with "!!!" (and "?!" for complaints), and with an emoji a
customer would add, alone as the opening turn and after a neutral exchange.
"""

from ml.labels import DISSATISFIED, NEUTRAL, SATISFIED

COMPLAINTS = {
    "es": ["Pésimo servicio.", "pésimo servicio, una vergüenza", "es una estafa", "qué atención tan horrible",
           "son unos ladrones", "Gracias por nada… Perfecto servicio", "no sirven para nada, qué asco", "el peor banco del mundo"],
    "pt": ["atendimento horrível", "Péssimo atendimento, que raiva.", "isso é um golpe", "que serviço lixo",
           "vocês são uns ladrões", "obrigado por nada, ótimo atendimento só que não", "nunca vi empresa tão ruim", "que vergonha de atendimento"],
    "en": ["this is a scam", "absolutely useless bank", "worst service I've ever had", "you are a bunch of thieves",
           "what a terrible company", "thanks for nothing, great service", "this is a joke, I hate this app", "disgusting treatment"],
}
PRAISE = {
    "es": ["excelente atención, muchas gracias", "qué maravilla de servicio, todo resuelto", "sos una genia, gracias por todo",
           "perfecto, me encantó la atención", "muy buena atención, lo recomiendo"],
    "pt": ["atendimento excelente, muito obrigado", "perfeito, adorei o atendimento", "vocês são ótimos, resolveram tudo",
           "maravilhoso, obrigada pela ajuda", "muito bom, super recomendo"],
    "en": ["excellent service, thank you so much", "brilliant support, everything sorted", "you guys are amazing, thanks",
           "perfect, I love it", "great help, really appreciate it"],
}
ACKNOWLEDGEMENTS = {"es": ["ok", "vale"], "pt": ["ok", "certo"], "en": ["ok", "sure"]}
EMOJI = {DISSATISFIED: "😡", SATISFIED: "😍", NEUTRAL: "👍"}


def variants(text: str, label: str) -> list[str]:
    """The text as written, shouted, with "!!!" (and "?!"), and with an emoji."""
    out = [text, text.upper(), f"{text.rstrip('.')}!!!", f"{text.upper().rstrip('.')}!!!", f"{text} {EMOJI[label]}"]
    if label == DISSATISFIED:
        out.append(f"{text.rstrip('.')}?!")
    return out


def probes() -> list[tuple[str, str, str]]:
    """(language, text, expected label) for every probe and variant."""
    out = []
    for expected, bank in ((DISSATISFIED, COMPLAINTS), (SATISFIED, PRAISE), (NEUTRAL, ACKNOWLEDGEMENTS)):
        for language, texts in bank.items():
            out += [(language, variant, expected) for text in texts for variant in variants(text, expected)]
    return out


# A neutral exchange before the probed turn: the verdict must not depend on it being the first turn.
BEFORE = {
    "es": [("CUSTOMER", "hola, tengo una consulta sobre mi pedido"), ("AGENT", "Claro, ¿me pasas el número?"), ("CUSTOMER", "es el 48213"),
           ("AGENT", "Gracias, ya lo veo aquí.")],
    "pt": [("CUSTOMER", "oi, queria ver meu pedido"), ("AGENT", "Claro, qual o número?"), ("CUSTOMER", "é o 48213"),
           ("AGENT", "Obrigado, já encontrei.")],
    "en": [("CUSTOMER", "hi, I have a question about my order"), ("AGENT", "Sure, what's the number?"), ("CUSTOMER", "it's 48213"),
           ("AGENT", "Thanks, I can see it here.")],
}
