"""English polarity entries, written for Rapport (folded when read).

Words about how the customer feels or judges the service, not words that describe a fault: "not
delivered", "error" or "still not working" are left to the n-grams, because a calm report of a
fault is NEUTRAL in the label guide (ml/corpus/README.md).
"""

STRONG_NEGATIVE = """
terrible, horrible, awful, atrocious, appalling, dreadful, abysmal, disgraceful, disgrace,
shameful, shambles, a joke, what a joke, scam, scammers, scam artists, fraud, fraudulent,
rip off, ripoff, ripped off, robbery, daylight robbery, thieves, crooks, useless, worthless,
pathetic, garbage, trash, rubbish, crap, crappy, shit, shitty, bullshit, sucks, sucked, hate,
i hate, disgusting, outrageous, unacceptable, inexcusable, furious, livid, fuming, pissed,
pissed off, infuriating, incompetent, incompetence, idiots, morons, clowns, nightmare, worst,
the worst, never again, disaster, wtf, ffs, fed up, sick of, sick and tired, lied to me, liars,
cheated, waste of time, waste of money, my lawyer, report you, ombudsman, trading standards,
fuck, fuck you, fuck off, fuck this, angry, ridiculous, joke of a company, con artists,
daylight robbery, a disgrace, beyond a joke, a mess, hopeless, rude, disrespectful
"""

NEGATIVE = """
bad, poor, annoyed, annoying, frustrated, frustrating, disappointed, disappointing, disappointment,
upset, unhappy, mad, irritated, meh, unhelpful, careless, sloppy, shocking, sad, shame, what a
shame, a shame, pity, tired of, ugh, unreasonable, unfair, stressed, stressful, dissatisfied,
not good enough, same old story, again and again, here we go again, i give up, fed up with,
poor service, let down, messed up
"""

STRONG_POSITIVE = """
excellent, perfect, perfectly, amazing, awesome, fantastic, brilliant, outstanding, superb,
wonderful, marvellous, marvelous, impeccable, flawless, love it, love you guys, loved it,
lifesaver, life saver, you saved me, saved my day, saved the day, thank you so much, thanks so
much, thanks a million, many thanks, thank you very much, much appreciated, really appreciate,
delighted, thrilled, over the moon, spot on, top notch, first class, five stars, the best, best
service, superstar, legend, you rock, you guys rock, kudos, stellar, highly recommend, so helpful,
super helpful, incredibly helpful, above and beyond, great job, great service, well done, chuffed,
made my day, a star, so kind, very kind, kind of you
"""

POSITIVE = """
good, nice, great, thanks, thank you, thank, thx, ty, cheers, appreciate, appreciated, grateful,
helpful, friendly, efficient, pleased, glad, happy, satisfied, sorted, relieved,
relief, cool, lovely, sweet, incredible, recommend, good job, works great, impressed
"""

NEGATORS = """
not, no, never, nothing, nobody, none, neither, nor, without, cannot, cant, dont, didnt, doesnt,
isnt, wasnt, wont, arent, hardly, t
"""

INTENSIFIERS = """
very, so, really, extremely, totally, completely, absolutely, utterly, incredibly, super, such,
truly, seriously, too, damn, bloody, fucking, most, insanely, quite, highly, beyond, way
"""

SARCASM = """
thanks for nothing, cheers for nothing, yeah right, oh great, oh wonderful, oh perfect, just
great, just perfect, just what i needed, just brilliant, real helpful, way to go, slow clap,
bravo, love waiting, love being put on hold, love being ignored, sure you will, as if, what a
surprise, surprise surprise, wow thanks, what great service, great job not, so helpful not,
thanks a lot for nothing, very helpful not
"""

# Fixed expressions read as a whole and carrying nothing: greetings and "you're welcome" are not praise.
NEUTRAL = """
good morning, good afternoon, good evening, good night, no problem, no worries, thank you for
waiting, have a good day, have a nice day, no thanks, no thank you, how are you, good day
"""
