"""English phrases of the generated conversations: who speaks, how customers feel and say so, how
agents open, apologise and close (written for Rapport). Labels follow ml/corpus/README.md."""

AGENTS = ["Emma", "James", "Priya", "Tom", "Chloe", "Daniel", "Aisha", "Ryan", "Grace", "Sam"]
CUSTOMERS = ["Sarah Collins", "Mark Evans", "Olivia Brown", "David Khan", "Laura Price", "Ben Turner", "Hannah Wood", "Chris Hall"]
CITIES = ["London", "Manchester", "Dublin", "Toronto", "Leeds", "Glasgow", "Bristol", "Boston"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "yesterday", "Saturday", "the 12th"]
GREETINGS = ["hi", "hello", "hey", "good morning", "hiya", "hi there", ""]

AGENT_OPEN = [
    "Hi, I'm {agent} from {brand}. How can I help?",
    "Hello! {agent} here at {brand}. What can I do for you?",
    "Hi there, you're chatting with {agent}. What's happened?",
]
AGENT_ASK = [
    "Could you give me your order or account number?",
    "To look into this I need your postcode and account number.",
    "Can you confirm the email on your account?",
    "Let me check. What's the reference number?",
]
AGENT_APOLOGY = [
    "I'm really sorry about this.",
    "Apologies for the trouble.",
    "You're absolutely right, sorry.",
    "Sorry for the hassle.",
    "I understand the frustration, I'm sorry.",
]
AGENT_CLOSE = ["Is there anything else I can help with?", "Anything else I can do for you today?", "Let me know if you need anything else."]
AGENT_GOODBYE = ["My pleasure! Have a great day.", "Glad I could help.", "You're welcome, take care!"]
AGENT_CALM = [
    "I understand you're upset. I'm looking at your case right now.",
    "Please bear with me while I find a solution.",
    "I hear you. Let me escalate this to my manager.",
]
AGENT_PROACTIVE = [
    "Your order {order} is out for delivery.",
    "How would you rate today's support?",
    "Reminder: your appointment is on {day} at {n}pm.",
    "We've closed ticket {order}. Is everything working on your side?",
    "Your refund of {amount} has been processed.",
    "Did you get a chance to try the fix we sent?",
]

DATA = ["it's {order}", "{order}", "it's under {name}", "account number {order}", "my email is {mail}", "yes that one"]
DOUBTS = [
    "how long will that take?",
    "do I need to do anything else?",
    "ok, and what if it still doesn't work?",
    "will I get a confirmation email?",
    "is that definitely for {day}?",
    "is there a charge for that?",
    "oh, where do I see that?",
]
ACKS = ["ok", "okay", "sure", "right", "got it", "noted", "fine", "ok thanks", "thanks", "thx", "ty", "👍", "ok 👍",
        "alright", "received", "ok, I'll check", "ah ok", "yes", "thanks for the info", "ok, I'll wait then", "cheers"]
RELIEF = [
    "finally working, thanks so much",
    "it's arrived, brilliant!",
    "all sorted now, thank you very much",
    "what a relief, thanks for fixing it so fast",
    "works perfectly, thank you, really",
    "done, you saved my day",
    "got it now, excellent service",
    "phew, thought I'd lost it. thanks!",
]
PRAISE = [
    "excellent service, really quick",
    "you're a star, thanks for everything",
    "honestly, top notch support",
    "loved how quickly you sorted it",
    "so helpful, everything's fixed",
    "that's how customer service should be",
    "brilliant, this is why I stay with you",
    "thanks {agent}, you've been fantastic",
    "impeccable, would highly recommend",
    "that was fast, amazing. thank you!",
]
ANGER = [
    "this is a disgrace",
    "I'm sick of messaging you",
    "what awful service",
    "how can nobody answer me",
    "this is unacceptable",
    "what a shambles of a company",
    "this is the third time I've written about this",
    "I'm fed up",
    "I'm really annoyed about all this",
    "it's outrageous how you treat customers",
    "it's been a week and nobody has done anything",
    "this makes me so angry",
]
ESCALATE = [
    "I want to speak to a manager now",
    "I'm filing a formal complaint",
    "if this isn't fixed today I'm cancelling",
    "I'm reporting you to the ombudsman",
    "you're having a laugh",
    "no more excuses, I want it fixed",
    "I'm switching providers, I've had enough",
    "just give me my money back",
]
INSULTS = [
    "you're all useless",
    "bunch of crooks",
    "what shit service",
    "rubbish company",
    "crap app",
    "what a joke this is",
    "bloody incompetent",
    "you lot are clowns",
    "total rip off",
    "this company sucks",
    "worst provider ever, no contest",
    "pathetic, absolutely pathetic",
]
SARCASM = [
    "great, another week of this. thanks for nothing",
    "oh wonderful, three hours on hold",
    "yeah right, like last time",
    "slow clap, that's four calls now",
    "perfect, now you've charged me twice. bravo",
    "wow, such efficiency",
    "love waiting an hour for nothing",
    "real helpful answer",
    "excellent, same thing again",
    "just great, still nothing. what a surprise",
]
RESIGNED = [
    "well, nothing I can do then. shame",
    "I can see there's no solution",
    "fine, I'll find another company",
    "ok… waiting again then",
    "that answer doesn't help me at all",
    "already tried that, still the same",
    "that's what I was told yesterday and nothing",
    "thanks, but it still doesn't work",
]
HAPPY_OPENERS = [
    "Hi! First of all, thanks for last week, you were great.",
    "Hello, honestly really happy with the service so far.",
    "Morning! Love the app, so easy to use.",
]

ONE_LINERS = {
    "DISSATISFIED": ["dreadful service", "awful all round", "utter rip off", "terrible", "😡😡", "never buying here again",
                     "disgusting service", "👎", "really bad", "shameful", "what a joke", "zero stars"],
    "SATISFIED": ["excellent!!", "great support 👏", "all perfect, thanks so much!", "love it 😍", "brilliant",
                  "fantastic, thanks", "top notch", "super quick, thank you!!", "delighted 🥰", "superb"],
    "NEUTRAL": ["ok", "👍", "thanks", "received", "sure", "ok ty", "hi", "yes", "no", "?", "will check tomorrow", "4"],
}

EMAIL_OPEN = ["Dear Sir or Madam,", "Good morning,", "Hello {brand} team,", "To whom it may concern,", "Hi,"]
EMAIL_CLOSE = ["Kind regards,\n{name}", "Best wishes,\n{name}", "I look forward to your reply.\n{name}", "Thanks in advance,\n{name}"]
EMAIL_COMPLAINT = [
    "I am writing for the third time about the same problem.",
    "I find the treatment I received unacceptable.",
    "I expect an immediate solution or I will take this to the ombudsman.",
    "It is appalling that a company like yours operates this way.",
]
EMAIL_THANKS = [
    "I wanted to thank you for how quickly you resolved my case.",
    "I would like to commend {agent} for being so kind and professional.",
    "Everything has been sorted and I am very pleased with the support.",
]
EMAIL_NEUTRAL = ["I am writing with a query.", "I would need the following information.", "Please find my contract details below."]
AGENT_EMAIL_OPEN = ["Dear {name},", "Good morning {name},", "Hello {name},"]
AGENT_EMAIL_CLOSE = ["Kind regards,\n{agent}, {brand}", "Best wishes,\n{agent}\n{brand} Customer Care"]

# Texting shorthand: (word, how it is typed), applied at random.
SHORTHAND = [("you", "u"), ("please", "pls"), ("thanks", "thx"), ("are", "r"), ("because", "cos"), ("tomorrow", "tmrw"),
             ("message", "msg"), ("I don't know", "idk"), ("to be honest", "tbh"), ("your", "ur")]
EMOJI = {"DISSATISFIED": ["😡", "😤", "🙄", "😒", "👎"], "SATISFIED": ["😍", "🙏", "👏", "😊", "🥰"], "NEUTRAL": ["🙂", "👍", ""]}
