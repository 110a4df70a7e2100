"""Spanish polarity entries, written for Rapport (Spain and Latin America; folded when read).

Words about how the customer feels or judges the service, not words that describe a fault: "no
llegó", "error" or "sigue sin funcionar" are left to the n-grams, because a calm report of a fault
is NEUTRAL in the label guide (ml/corpus/README.md).
"""

STRONG_NEGATIVE = """
pésimo, pésima, pésimos, pésimas, horrible, horribles, horroroso, horrorosa, espantoso, terrible,
terribles, nefasto, nefasta, lamentable, vergüenza, vergonzoso, vergonzosa, estafa, estafadores,
estafaron, me estafaron, fraude, timo, timadores, robo, un robo, ladrones, sinvergüenzas, inútil,
inútiles, basura, porquería, mierda, una mierda, asco, qué asco, da asco, odio, los odio, harto,
harta, hartos, estoy harto, estoy harta, indignado, indignada, indignante, inaceptable,
inadmisible, intolerable, furioso, furiosa, rabia, qué rabia, me da rabia, cabreado, cabreada,
cabreo, encabronado, encabronada, emputado, desastre, un desastre, desastroso, incompetentes,
incompetencia, idiotas, imbéciles, payasos, tomadura de pelo, me están tomando el pelo, nunca más,
jamás vuelvo, el peor, la peor, lo peor, de lo peor, cutre, chafa, trucho, una cagada, de quinta,
una burla, abuso, abusivo, me robaron, me mintieron, mentirosos, engaño, engañado, engañada,
denunciar, voy a denunciar, denuncia, pérdida de tiempo, impresentable, falta de respeto,
una vergüenza, deplorable, patético, patética, malísimo, malísima, fatal, qué desastre
"""

NEGATIVE = """
malo, mala, malos, malas, mal, molesto, molesta, enojado, enojada, enfadado, enfadada,
disgustado, disgustada, decepcionado, decepcionada, decepción, decepcionante, frustrado, frustrada,
frustrante, cansado, cansada, lentísimo, absurdo, absurda, ridículo, ridícula, deficiente,
triste, una pena, qué pena, lástima, qué lástima, penoso, mediocre, me arrepiento, arrepentido,
desesperado, desesperada, desesperante, insatisfecho, insatisfecha, preocupante, molestia, caradura,
increíble que, no puede ser, otra vez lo mismo, siempre lo mismo, ya no sé qué hacer
"""

STRONG_POSITIVE = """
excelente, excelentes, perfecto, perfecta, perfectos, maravilloso, maravillosa, de maravilla,
fantástico, fantástica, estupendo, estupenda, genial, geniales, espectacular, impecable,
buenísimo, buenísima, mil gracias, muchísimas gracias, muchas gracias, me encanta, me encantó,
encantado, encantada, un crack, sos un crack, eres un crack, un genio, una genia, de lujo,
lo mejor, el mejor, la mejor, chévere, bacán, rapidísimo, me salvaste, me salvaron, me salvó,
agradecidísimo, agradecidísima, feliz, felices, contentísimo, contentísima, los recomiendo,
lo recomiendo, qué alivio, un placer, súper bien, de diez, sensacional, maravilla, cracks, ídolo
"""

POSITIVE = """
bien, bueno, buena, buenos, gracias, agradezco, agradecido, agradecida, amable, amables, útil, contento, contenta, satisfecho, satisfecha, solucionado, resuelto,
alivio, increíble, qué bueno, todo bien, buen trabajo, buen servicio, eficiente, eficaz, gentil
"""

NEGATORS = "no, nunca, jamás, ni, tampoco, nada, sin, nadie, ningún, ninguna, ninguno"

INTENSIFIERS = """
muy, mucho, muchísimo, tan, tanto, super, súper, demasiado, bastante, extremadamente,
totalmente, completamente, absolutamente, realmente, verdaderamente, increíblemente, sumamente,
híper, requete, mega, tremendo, tremenda
"""

SARCASM = """
gracias por nada, muchas gracias por nada, sí claro, qué eficiencia, qué eficientes, un aplauso,
bravo, felicitaciones por, felicidades por, genial otra vez, otra vez genial, me encanta esperar,
de risa, qué bien eh, perfecto eh, genial eh, muy útil eh, ya claro
"""

# Fixed expressions read as a whole and carrying nothing: greetings and "you're welcome" are not praise.
NEUTRAL = """
buenos días, buen día, buenas tardes, buenas noches, buenas, de nada, está bien, esta bien, por
favor, muy buenas, bueno pues, qué tal, hasta luego, feliz día
"""
