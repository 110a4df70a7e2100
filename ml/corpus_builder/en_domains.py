"""English services the generated conversations are about: what customers ask and report, and what
agents answer (written for Rapport; slots in braces are filled by `ml.corpus_builder.compose`)."""

DOMAINS = [
    {
        "brands": ["Linkwave", "FibreOne", "Telecast"],
        "problems": [
            "my broadband has been down since {day}, the router light is flashing red",
            "I was billed {amount} more than usual this month",
            "calls keep dropping every time I try to ring someone",
            "I'm paying for {n}00 Mb and getting barely {n}0",
            "my phone stopped receiving verification texts",
            "you've added a TV bundle I never asked for",
        ],
        "requests": [
            "what fibre packages do you offer in my area?",
            "how much is it to add another line?",
            "how do I move my number to a pay as you go plan?",
            "is roaming in {city} included in my plan?",
        ],
        "fixes": [
            "I've reset your line from here and booked an engineer for {day} morning.",
            "The {amount} will be credited on your next bill, it's all logged.",
            "I've pushed a new configuration to your router. Could you try now?",
        ],
        "infos": [
            "We have {n}00 Mb fibre for {amount} a month, no contract.",
            "An extra line is {amount} a month with {n}0 GB.",
            "Yes, roaming is included in every plan since this year.",
        ],
        "failures": [
            "Our system shows the line working fine, so we can't send an engineer.",
            "We can't remove the charge, the bundle was added from your account.",
            "The first engineer slot available is in {n} weeks.",
        ],
    },
    {
        "brands": ["Harbour Bank", "Crestline", "Nova Credit"],
        "problems": [
            "my card has been blocked and I'm abroad in {city}",
            "there's a payment of {amount} on my account I don't recognise",
            "the transfer I made on {day} still hasn't arrived",
            "the app throws an error at login since the update",
            "I was charged a monthly fee even though my salary is paid in",
        ],
        "requests": [
            "what's the daily cash withdrawal limit?",
            "I'd like to ask for a higher limit on my card",
            "how do I get a proof of account letter?",
            "can I open an account for my daughter in the app?",
        ],
        "fixes": [
            "I've unblocked the card, you can use it again right away.",
            "I've raised a dispute for that payment and refunded it provisionally.",
            "The transfer was held for a check; it's been released now.",
        ],
        "infos": [
            "The daily limit at cash machines is {amount}; you can change it in the app.",
            "The letter is under Profile > Documents, it downloads straight away.",
            "Yes, you can open a junior account in the app with your ID.",
        ],
        "failures": [
            "For security we can't unblock cards over chat; you'll need to visit a branch.",
            "The fee is correct under the terms of your account.",
            "We can't see any error on our side, the transfer went out fine.",
        ],
    },
    {
        "brands": ["Shopsy", "Parcelo", "BuyHive"],
        "problems": [
            "order {order} was due on {day} and it still hasn't turned up",
            "I got the wrong size in order {order}",
            "the box arrived crushed and the item is scratched",
            "tracking says delivered but nothing came",
            "I ordered {n} and only two arrived",
            "I sent my return back {n} weeks ago and there's no refund yet",
        ],
        "requests": [
            "do you deliver to {city}?",
            "how long does standard delivery take?",
            "can I change the delivery address on order {order}?",
            "do you have these trainers in a size {n}?",
        ],
        "fixes": [
            "I've sent a replacement free of charge; it arrives {day}.",
            "The refund for order {order} has gone through, allow 2 to 3 days.",
            "I've updated the address and the driver has the new one.",
        ],
        "infos": [
            "Yes, we deliver to {city}; it takes 2 to 4 working days.",
            "Standard delivery takes 48 hours and is free over {amount}.",
            "We have size {n} in stock, you can order it online.",
        ],
        "failures": [
            "The courier confirms delivery, so there's nothing more we can do.",
            "The window to report this closed two days ago.",
            "You need to wait 15 working days before we can open a claim.",
        ],
    },
    {
        "brands": ["SkyLark Air", "Westjet Europe", "Orbital Airways"],
        "problems": [
            "my flight to {city} tomorrow was cancelled and I've been offered nothing",
            "my suitcase didn't arrive in {city}",
            "I was charged twice for seat selection on booking {order}",
            "the flight left {n} hours late and I missed my connection",
        ],
        "requests": [
            "how much hand luggage can I bring?",
            "can I change the date of my flight to {city}?",
            "what time does the check-in desk open?",
            "does the ticket include a meal?",
        ],
        "fixes": [
            "I've moved you to the {n}:30 flight at no cost and emailed your boarding pass.",
            "Your bag has been found and we'll deliver it to your hotel tonight.",
            "I've refunded the duplicate seat charge.",
        ],
        "infos": [
            "You can bring one 10 kg cabin bag and a small personal item.",
            "A date change is {amount} plus any fare difference.",
            "Check-in opens three hours before departure.",
        ],
        "failures": [
            "Compensation doesn't apply as the delay was caused by weather.",
            "There are no seats on other flights until {day}.",
            "Baggage claims have to be made at the airport.",
        ],
    },
    {
        "brands": ["Northgrid Energy", "Valley Water", "HomeGas"],
        "problems": [
            "my electricity bill came to {amount}, three times the usual",
            "I've had no hot water for {n} days",
            "there's been a power cut on my street since this morning",
            "the meter reading on my bill is wrong",
        ],
        "requests": [
            "how do I put the account in my name?",
            "I'd like to switch to the economy 7 tariff",
            "when is the next meter reading?",
        ],
        "fixes": [
            "We've corrected the reading and issued a new bill for {amount}.",
            "There's a fault in your area; engineers expect to fix it by {n}pm today.",
            "Your tariff change is done and applies from next month.",
        ],
        "infos": [
            "You can change the account holder online with the new holder's ID.",
            "Readings are monthly, the next one is on {day}.",
        ],
        "failures": [
            "The bill is correct based on the meter reading.",
            "We can't give an exact time for the repair.",
            "To dispute it you need to send the form by post.",
        ],
    },
    {
        "brands": ["CareFirst", "Meadow Clinic", "Healthsure"],
        "problems": [
            "my claim for the appointment on {day} was rejected",
            "I've been waiting {n} weeks for an MRI to be authorised",
            "my specialist appointment was moved without telling me",
            "the pharmacy can't find my e-prescription",
        ],
        "requests": [
            "does my policy cover dental?",
            "I'd like to book a dermatology appointment",
            "what do I need to add my baby to the policy?",
        ],
        "fixes": [
            "I've authorised the MRI just now, you can book it.",
            "I've booked dermatology for {day} at {n}am.",
            "We've resent the prescription, the pharmacy should see it now.",
        ],
        "infos": [
            "Dental covers check-ups and cleaning, not orthodontics.",
            "You'll need the birth certificate and your policy number.",
        ],
        "failures": [
            "Authorisation can take up to 30 days, we can't speed it up.",
            "That appointment isn't covered by your policy.",
            "There are no appointments available this month.",
        ],
    },
    {
        "brands": ["Streamly", "Tunebox", "Cinevault"],
        "problems": [
            "I've been charged twice for my subscription this month",
            "I cancelled but you're still taking {amount} a month",
            "the app crashes whenever I open a show",
            "I can't log in, it says my email doesn't exist",
        ],
        "requests": [
            "how many screens come with the family plan?",
            "can I download films to watch offline?",
            "how do I change my payment card?",
        ],
        "fixes": [
            "I've refunded the duplicate payment, it'll show in 5 days.",
            "I've restored your account, you can log in with your email now.",
            "I've cancelled the subscription and refunded the {amount}.",
        ],
        "infos": [
            "The family plan allows {n} screens at once.",
            "Yes, the app lets you download up to 25 titles.",
        ],
        "failures": [
            "We don't refund months that have already started.",
            "We can't find an account with that email.",
            "That's an issue with your device, not the app.",
        ],
    },
    {
        "brands": ["Munchr", "QuickBite", "Dishdash"],
        "problems": [
            "the order arrived cold and an hour late",
            "my drink and dessert were missing from order {order}",
            "the driver marked it delivered but never showed up",
            "I was given somebody else's order",
        ],
        "requests": [
            "can I pay the driver in cash?",
            "what time does the pizza place stop taking orders?",
            "do you have gluten free options?",
        ],
        "fixes": [
            "We've refunded order {order} in full and added a {amount} voucher.",
            "We're sending the missing items, they'll be there in 20 minutes.",
        ],
        "infos": [
            "Yes, just choose cash on delivery at checkout.",
            "The kitchen closes at 11:30pm on weekdays.",
        ],
        "failures": [
            "The restaurant says the order left complete.",
            "We can only offer a voucher, not a refund.",
        ],
    },
]
