"""Portuguese polarity entries, written for Rapport (Brazil and Portugal; folded when read).

Words about how the customer feels or judges the service, not words that describe a fault: "não
chegou", "erro" or "continua sem funcionar" are left to the n-grams, because a calm report of a
fault is NEUTRAL in the label guide (ml/corpus/README.md).
"""

STRONG_NEGATIVE = """
péssimo, péssima, péssimos, péssimas, horrível, horríveis, horroroso, horrorosa, terrível,
terríveis, lamentável, vergonha, uma vergonha, que vergonha, pouca vergonha, vergonhoso,
vergonhosa, golpe, é golpe, golpistas, fraude, roubo, um roubo, ladrões, safados, sem vergonha,
inútil, inúteis, lixo, um lixo, porcaria, uma porcaria, merda, uma merda, bosta, uma bosta, nojo,
que nojo, ódio, odeio, raiva, que raiva, com raiva, revoltado, revoltada, revoltante, indignado,
indignada, absurdo, um absurdo, inaceitável, inadmissível, palhaçada, uma palhaçada, sacanagem,
descaso, falta de respeito, desrespeito, desastre, incompetentes, incompetência, idiotas, nunca
mais, o pior, a pior, zoado, paia, tosco, furioso, furiosa, puto, puta da vida, enganado,
enganada, enganação, mentirosos, me enganaram, me roubaram, vou processar, procon, reclame aqui,
perda de tempo, ridículo, ridícula, lamentável, patético, patética, decepcionante, um saco,
que saco, ta de brincadeira, tá de brincadeira, brincadeira de mau gosto, uma piada
"""

NEGATIVE = """
ruim, ruins, mal, mau, chato, chata, chateado, chateada, chateação, irritado, irritada,
irritante, frustrado, frustrada, frustrante, decepcionado, decepcionada, decepção, cansado,
cansada, demorado, demorada, triste, uma pena, que pena, insatisfeito, insatisfeita, aborrecido,
aborrecida, desapontado, desapontada, chatice, estressado, estressada, estressante, desesperado,
desesperada, complicado demais, de novo isso, sempre a mesma coisa, não dá, não aguento mais
"""

STRONG_POSITIVE = """
excelente, excelentes, perfeito, perfeita, maravilhoso, maravilhosa, fantástico, fantástica,
sensacional, espetacular, impecável, ótimo, ótima, ótimos, ótimas, muito obrigado, muito obrigada,
muitíssimo obrigado, muitíssimo obrigada, adorei, amei, show de bola,
salvou meu dia, salvou o meu dia, me salvou, vocês são demais, você é demais, parabéns, massa,
bacana, feliz, felizes, satisfeitíssimo, satisfeitíssima, super recomendo, top demais, muito top, atendimento top, recomendo,
rapidíssimo, nota dez, maravilha, que alívio, arrasou, arrasaram, incrível demais, foi demais,
um amor, amo vocês, perfeição
"""

POSITIVE = """
bom, boa, bons, boas, bem, obrigado, obrigada, brigado, brigada, obg, obgd, vlw, valeu, agradeço,
grato, grata, gentil, gentis, atencioso, atenciosa, eficiente, útil, satisfeito, satisfeita,
contente, resolvido, resolveu, que legal, muito legal, legal demais, alívio, gostei, incrível, bom trabalho, bom atendimento, bem atendido, bem atendida
"""

NEGATORS = "não, nao, n, nunca, jamais, nem, nada, sem, ninguém, nenhum, nenhuma"

INTENSIFIERS = """
muito, muita, muitos, muitas, super, bem, tão, extremamente, totalmente, completamente,
absolutamente, realmente, mega, ultra, bastante, mó, muitíssimo, demasiado, tremendamente
"""

SARCASM = """
obrigado por nada, obrigada por nada, valeu por nada, só que não, que maravilha hein, nossa que
eficiência, que eficiência, que beleza hein, aham, claro claro, adoro esperar, amei esperar,
ótimo hein, maravilha hein, perfeito hein, excelente hein, muito eficiente hein, parabéns pela
demora, parabéns pelo descaso, que atendimento hein, muito útil hein
"""

# Fixed expressions read as a whole and carrying nothing: greetings and "you're welcome" are not praise.
NEUTRAL = """
bom dia, boa tarde, boa noite, tudo bem, tudo bom, de nada, está bem, ta bem, tá bem, tá bom,
ta bom, por favor, bem vindo, bem vinda, tenha um bom dia, até logo
"""
