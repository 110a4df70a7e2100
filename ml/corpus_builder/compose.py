"""Conversations composed from the phrase banks: one arc (how the customer's mood moves), one
service, one register (WhatsApp, SMS, e-mail, web chat), every customer turn labelled.

Deterministic: each language draws from its own `random.Random` seeded by name, so the same banks
always give the same files.
"""

import random
import unicodedata
from collections.abc import Callable
from types import ModuleType
from typing import Any

from ml.labels import DISSATISFIED, NEUTRAL, SATISFIED

D, N, S = DISSATISFIED, NEUTRAL, SATISFIED
REGISTERS = {"WHATSAPP": 0.4, "SMS": 0.2, "EMAIL": 0.15, "CHAT": 0.25}
Turn = tuple[str, str, str | None]  # role, text, label (customer turns only)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    def __init__(self, language: str, domains: ModuleType, phrases: ModuleType, seed: str) -> None:
        self.language = language
        self.domains = domains.DOMAINS
        self.p = phrases
        self.rnd = random.Random(f"{language}-{seed}")

    # -- slots and style ---------------------------------------------------------------------

    def pick(self, items: list[str]) -> str:
        return self.rnd.choice(items)

    def fill(self, text: str) -> str:
        r = self.rnd
        slots = {
            "order": f"{r.choice(['', '#', 'PD-', 'A'])}{r.randint(10000, 999999)}",
            "n": str(r.randint(2, 9)),
            "amount": self.amount(),
            "day": self.pick(self.p.DAYS),
            "city": self.pick(self.p.CITIES),
            "brand": self.brand,
            "agent": self.agent,
            "name": self.name,
            "mail": f"{self.name.split()[0].lower()}{r.randint(1, 99)}@{r.choice(['correo', 'mail', 'email'])}.com",
        }
        return text.format(**slots) if "{" in text else text

    def amount(self) -> str:
        value = self.rnd.choice([9, 12, 19, 24, 35, 49, 60, 89, 120, 250])
        return {"es": f"{value} €", "pt": f"R$ {value},90", "en": f"£{value}"}[self.language]

    def styled(self, text: str, label: str, register: str) -> str:
        """A customer's text as typed in this register: case, accents, shorthand, "!", emojis."""
        r = self.rnd
        if register in ("WHATSAPP", "SMS"):
            text = text[0].lower() + text[1:] if text and r.random() < 0.7 else text
            if self.language != "en" and r.random() < 0.35:
                text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
            for word, short in self.p.SHORTHAND:
                if f" {word} " in f" {text} " and r.random() < 0.4:
                    text = f" {text} ".replace(f" {word} ", f" {short} ").strip()
            text = text.rstrip(".")
            if r.random() < 0.12:
                text = text.upper()  # shouting, or a phone stuck in capitals: every label does it
        elif text and text[0].isalpha():
            text = text[0].upper() + text[1:]
        loud = {D: 0.35, S: 0.35, N: 0.1}[label]
        if r.random() < loud and not text.endswith("?"):
            text = text.rstrip(".!") + r.choice(["!", "!!", "!!!", "?!", " !!"])
        if register == "WHATSAPP" and r.random() < 0.25:
            text = f"{text} {self.pick(self.p.EMOJI[label])}".strip()
        return text

    def customer(self, text: str, label: str, register: str) -> Turn:
        return ("CUSTOMER", self.styled(self.fill(text), label, register), label)

    def agent_says(self, *parts: str) -> Turn:
        return ("AGENT", " ".join(self.fill(p) for p in parts if p), None)

    def opening(self, text: str) -> str:
        greeting = self.pick(self.p.GREETINGS)
        if not greeting or self.rnd.random() >= 0.6:
            return text
        return f"{greeting} {text}" if greeting.endswith("?") else f"{greeting}, {text}"

    # -- arcs ----------------------------------------------------------------------------------

    def info(self, reg: str) -> list[Turn]:
        turns = [self.customer(self.opening(self.pick(self.domain["requests"])), N, reg), self.agent_says(self.pick(self.domain["infos"]))]
        if self.rnd.random() < 0.5:
            turns += [self.customer(self.pick(self.p.DOUBTS), N, reg), self.agent_says(self.pick(self.domain["infos"]))]
        ending = (self.pick(self.p.PRAISE), S) if self.rnd.random() < 0.25 else (self.pick(self.p.ACKS), N)
        return turns + [self.customer(*ending, reg)]

    def solved(self, reg: str) -> list[Turn]:
        return [
            self.customer(self.opening(self.pick(self.domain["problems"])), N, reg),
            self.agent_says(self.pick(self.p.AGENT_OPEN), self.pick(self.p.AGENT_ASK)),
            self.customer(self.pick(self.p.DATA), N, reg),
            self.agent_says(self.pick(self.p.AGENT_APOLOGY), self.pick(self.domain["fixes"])),
            self.customer(self.pick(self.p.RELIEF + self.p.PRAISE), S, reg),
        ] + ([self.agent_says(self.pick(self.p.AGENT_GOODBYE))] if self.rnd.random() < 0.4 else [])

    def angry_to_happy(self, reg: str) -> list[Turn]:
        angry = f"{self.pick(self.domain['problems'])}. {self.pick(self.p.ANGER)}"
        still = self.rnd.random() < 0.4
        data = f"{self.pick(self.p.DATA)}. {self.pick(self.p.ANGER)}" if still else self.pick(self.p.DATA)
        return [
            self.customer(self.opening(angry), D, reg),
            self.agent_says(self.pick(self.p.AGENT_APOLOGY), self.pick(self.p.AGENT_ASK)),
            self.customer(data, D if still else N, reg),
            self.agent_says(self.pick(self.domain["fixes"])),
            self.customer(self.pick(self.p.RELIEF), S, reg),
        ]

    def happy_to_angry(self, reg: str) -> list[Turn]:
        opener = f"{self.pick(self.p.HAPPY_OPENERS)} {self.pick(self.domain['requests'])}"
        return [
            self.customer(opener, S, reg),
            self.agent_says(self.pick(self.domain["failures"])),
            self.customer(self.pick(self.p.ANGER + self.p.RESIGNED), D, reg),
            self.agent_says(self.pick(self.p.AGENT_APOLOGY), self.pick(self.domain["failures"])),
            self.customer(self.pick(self.p.ESCALATE + self.p.INSULTS + self.p.SARCASM), D, reg),
        ]

    def escalation(self, reg: str) -> list[Turn]:
        return [
            self.customer(self.opening(self.pick(self.domain["problems"])), N, reg),
            self.agent_says(self.pick(self.domain["failures"])),
            self.customer(self.pick(self.p.ANGER), D, reg),
            self.agent_says(self.pick(self.p.AGENT_APOLOGY), self.pick(self.p.AGENT_CLOSE)),
            self.customer(self.pick(self.p.ESCALATE), D, reg),
        ]

    def sarcasm(self, reg: str) -> list[Turn]:
        turns = [
            self.customer(self.opening(self.pick(self.domain["problems"])), N, reg),
            self.agent_says(self.pick(self.domain["failures"])),
            self.customer(self.pick(self.p.SARCASM), D, reg),
        ]
        if self.rnd.random() < 0.4:
            turns += [self.agent_says(self.pick(self.p.AGENT_CALM)), self.customer(self.pick(self.p.RESIGNED), D, reg)]
        return turns

    def one_liner(self, reg: str) -> list[Turn]:
        label = self.rnd.choice([D, N, S])
        turns = [self.agent_says(self.pick(self.p.AGENT_PROACTIVE))] if self.rnd.random() < 0.6 else []
        return turns + [self.customer(self.pick(self.p.ONE_LINERS[label]), label, reg)]

    def insult(self, reg: str) -> list[Turn]:
        return [
            self.customer(f"{self.pick(self.p.INSULTS)}, {self.pick(self.domain['problems'])}", D, reg),
            self.agent_says(self.pick(self.p.AGENT_CALM)),
            self.customer(self.pick(self.p.INSULTS + self.p.ESCALATE), D, reg),
        ]

    def email(self, reg: str) -> list[Turn]:
        kind = self.rnd.choice([D, N, S])
        body = {
            D: f"{self.pick(self.p.EMAIL_COMPLAINT)} {_cap(self.fill(self.pick(self.domain['problems'])))}.",
            N: f"{self.pick(self.p.EMAIL_NEUTRAL)} {_cap(self.fill(self.pick(self.domain['requests'])))}",
            S: f"{self.pick(self.p.EMAIL_THANKS)} {_cap(self.pick(self.p.PRAISE))}.",
        }[kind]
        letter = f"{self.pick(self.p.EMAIL_OPEN)}\n\n{body}\n\n{self.pick(self.p.EMAIL_CLOSE)}"
        answer = {D: self.pick(self.p.AGENT_APOLOGY) + " " + self.pick(self.domain["fixes"] + self.domain["failures"]),
                  N: self.pick(self.domain["infos"]), S: self.pick(self.p.AGENT_GOODBYE)}[kind]
        reply = f"{self.pick(self.p.AGENT_EMAIL_OPEN)}\n\n{answer}\n\n{self.pick(self.p.AGENT_EMAIL_CLOSE)}"
        turns = [("CUSTOMER", self.fill(letter), kind), self.agent_says(reply)]
        if kind != S and self.rnd.random() < 0.6:
            follow = {D: (self.pick(self.p.RESIGNED + self.p.ESCALATE), D), N: (self.pick(self.p.ACKS), N)}[kind]
            turns.append(self.customer(*follow, "CHAT"))
        return turns

    def resigned(self, reg: str) -> list[Turn]:
        return [
            self.customer(self.opening(self.pick(self.domain["problems"])), N, reg),
            self.agent_says(self.pick(self.p.AGENT_OPEN), self.pick(self.domain["failures"])),
            self.customer(self.pick(self.p.RESIGNED), D, reg),
        ]

    def fixed_then_not(self, reg: str) -> list[Turn]:
        turns = [
            self.customer(self.opening(self.pick(self.domain["problems"])), N, reg),
            self.agent_says(self.pick(self.domain["fixes"])),
            self.customer(self.pick(self.p.RESIGNED), D, reg),
            self.agent_says(self.pick(self.p.AGENT_APOLOGY), self.pick(self.domain["fixes"])),
        ]
        ending = (self.pick(self.p.RELIEF), S) if self.rnd.random() < 0.6 else (self.pick(self.p.ACKS), N)
        return turns + [self.customer(*ending, reg)]

    ARCS: dict[str, float] = {
        "info": 0.16, "solved": 0.13, "angry_to_happy": 0.1, "happy_to_angry": 0.07, "escalation": 0.09,
        "sarcasm": 0.08, "one_liner": 0.14, "insult": 0.06, "resigned": 0.06, "fixed_then_not": 0.06, "email": 0.05,
    }

    def conversation(self, number: int) -> dict[str, Any]:
        r = self.rnd
        self.domain = r.choice(self.domains)
        self.brand = r.choice(self.domain["brands"])
        self.agent = r.choice(self.p.AGENTS)
        self.name = r.choice(self.p.CUSTOMERS)
        arc = r.choices(list(self.ARCS), weights=list(self.ARCS.values()))[0]
        register = "EMAIL" if arc == "email" else r.choices(list(REGISTERS), weights=list(REGISTERS.values()))[0]
        make: Callable[[str], list[Turn]] = getattr(self, arc)
        turns = make(register)
        if register == "EMAIL" and arc != "email" and r.random() < 0.6:  # the first message as a letter
            role, text, label = turns[0]
            if role == "CUSTOMER":
                letter = f"{self.pick(self.p.EMAIL_OPEN)}\n\n{_cap(text)}\n\n{self.pick(self.p.EMAIL_CLOSE)}"
                turns[0] = (role, self.fill(letter), label)
        labels = [label for role, _, label in turns if role == "CUSTOMER"]
        return {
            "id": f"gen-{self.language}-{number:04d}",
            "language": self.language,
            "channel": "WHATSAPP" if register == "WHATSAPP" else "SMS" if register == "SMS" else "EMAIL" if register == "EMAIL" else "RCS",
            "register": register.lower(),
            "arc": arc,
            "label": labels[-1],
            "turns": [{"role": role, "text": text, **({"label": label} if label else {})} for role, text, label in turns],
        }
