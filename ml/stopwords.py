"""Function words of Spanish, Portuguese and English (folded), which alone say nothing about how a
customer feels.

A word n-gram made only of these is not a feature: the first model leaned on `customer: una`,
`customer: pela` and `agent: de`, which says more about how a corpus was written than about
satisfaction. A pair with one content word stays ("por nada", "nao gostei"). Negations ("no",
"nao", "not", "nunca", "nada", "sin", "sem", "nem") are deliberately absent: they turn a sentence
around. One set for the three languages, since the model is not told the language.
"""

_ES = """
a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquellos aqui asi
aun bajo cada cual cuales cualquier cuando cuanto cuya cuyo de del desde donde dos el ella ellas
ello ellos en entonces entre era eramos eran eres es esa esas ese eso esos esta estaba estaban
estado estamos estan estar estas este esto estos estoy fue fueron fui ha habia habian han has
hasta hay he hemos la las le les lo los me mi mia mias mio mios mis mucha muchas mucho muchos muy
nos nosotros nuestra nuestras nuestro nuestros o os otra otras otro otros para pero poco por porque
pues que quien quienes se sea sean ser si sido siendo sobre sois somos son soy su sus suya suyo
tal tambien tan tanto te tenemos tengo tiene tienen toda todas todo todos tu tus tuya tuyo un una
unas uno unos usted ustedes vos vosotros vuestra vuestro y ya
"""

_PT = """
a ai ao aos aquela aquelas aquele aqueles aquilo as ate com como da das de dela delas dele deles
depois do dos e ela elas ele eles em entre era eram essa essas esse esses esta estamos estao estas
estava estavam este estes estou eu foi fomos for foram fosse ha isso isto ja lhe lhes mais mas me
mesma mesmo meu meus minha minhas muita muitas muito muitos na nas nessa nesse nesta neste nos
nossa nossas nosso nossos num numa o os ou para pela pelas pelo pelos por pra pro qual quando que
quem se seja ser seu seus so sua suas tambem tao te tem temos tenho teu teus tinha tu tua
tuas um uma umas uns vai vc voce voces vou
"""

_EN = """
a about above after all also am an and any are as at be been before being below between
both but by could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if im in into is it its itself ive just me more
most my myself of off on once only or other our ours ourselves out over own same shall she should
so some such than that thats the their theirs them themselves then there these they this those
through to too under until up us very was we were what when where which while who whom why will
with would you your yours yourself
"""


STOP_WORDS: frozenset[str] = frozenset(_ES.split() + _PT.split() + _EN.split())
