"""Spanish phrases of the generated conversations: who speaks, how customers feel and say so, how
agents open, apologise and close (written for Rapport). Labels follow ml/corpus/README.md."""

AGENTS = ["Lucía", "Martín", "Sofía", "Diego", "Valentina", "Javier", "Camila", "Andrés", "Paula", "Tomás"]
CUSTOMERS = ["Carmen Ruiz", "José Pérez", "Ana Morales", "Luis Herrera", "Marta Gil", "Raúl Soto", "Elena Vidal", "Pablo Ríos"]
CITIES = ["Madrid", "Bogotá", "Lima", "Sevilla", "Rosario", "Guadalajara", "Valencia", "Quito"]
DAYS = ["el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "ayer", "el sábado", "el 12"]
GREETINGS = ["hola", "buenas", "buenos días", "buenas tardes", "hola qué tal", "holaa", ""]

AGENT_OPEN = [
    "Hola, soy {agent} de {brand}. ¿En qué te puedo ayudar?",
    "¡Hola! Te atiende {agent}, de {brand}. Cuéntame.",
    "Buenas, {agent} al habla. ¿Qué necesitas?",
]
AGENT_ASK = [
    "¿Me pasas el número de pedido o de cliente?",
    "Para revisarlo necesito tu DNI o el número de contrato.",
    "¿Me confirmas el correo con el que te registraste?",
    "Déjame revisarlo. ¿Me das el número de referencia?",
]
AGENT_APOLOGY = [
    "Lamento mucho las molestias.",
    "Siento de verdad lo ocurrido.",
    "Tienes toda la razón, disculpa.",
    "Perdona el mal rato.",
    "Entiendo tu enfado, lo siento.",
]
AGENT_CLOSE = ["¿Te puedo ayudar en algo más?", "¿Algo más en lo que pueda ayudarte?", "Quedo atento por si necesitas algo más."]
AGENT_GOODBYE = ["¡Gracias a ti! Que tengas buen día.", "Un placer ayudarte.", "Para eso estamos, ¡saludos!"]
AGENT_CALM = [
    "Entiendo que estés molesto. Voy a revisar tu caso ahora mismo.",
    "Le pido un poco de paciencia, estoy buscando una solución.",
    "Comprendo su malestar. Déjeme escalarlo a mi supervisor.",
]
AGENT_PROACTIVE = [
    "Tu pedido {order} ya está en camino.",
    "¿Cómo valorarías la atención de hoy?",
    "Te recordamos que tu cita es {day} a las {n}:00.",
    "Hemos resuelto la incidencia {order}. ¿Todo bien por tu lado?",
    "Tu reembolso de {amount} ya fue procesado.",
    "¿Pudiste probar la solución que te mandamos?",
]

DATA = ["es el {order}", "{order}", "a nombre de {name}", "el contrato es el {order}", "mi correo es {mail}", "sí, es ese"]
DOUBTS = [
    "¿y eso cuánto tarda?",
    "¿tengo que hacer algo más?",
    "vale, ¿y si sigue sin funcionar?",
    "¿me llegará algún correo de confirmación?",
    "¿seguro que es para {day}?",
    "¿y eso tiene algún coste?",
    "ah, ¿y dónde lo veo?",
]
ACKS = ["ok", "vale", "va", "dale", "listo", "entendido", "de acuerdo", "ok gracias", "gracias", "vale gracias", "👍",
        "ok 👍", "perfecto", "bueno", "recibido", "ok, lo miro", "ah vale", "sí", "gracias por la info", "ok, espero entonces"]
RELIEF = [
    "por fin funciona, mil gracias",
    "ya me llegó, ¡genial!",
    "ahora sí, todo perfecto. muchísimas gracias",
    "qué alivio, gracias por resolverlo tan rápido",
    "funciona de maravilla, gracias de verdad",
    "ya está, me salvaste el día",
    "listo, ya lo tengo. excelente atención",
    "uff, qué bien, pensé que lo perdía. gracias!",
]
PRAISE = [
    "excelente atención, muy rápida",
    "sos un crack, gracias por todo",
    "la verdad, un servicio de diez",
    "me encantó cómo lo resolvieron",
    "muy amables, todo solucionado",
    "da gusto que te atiendan así",
    "estupendo, así sí dan ganas de seguir con ustedes",
    "gracias {agent}, eres un sol",
    "impecable, lo recomiendo",
    "qué rapidez, increíble. gracias!",
]
ANGER = [
    "esto es una vergüenza",
    "estoy harta de escribirles",
    "qué servicio más malo",
    "no puede ser que nadie me responda",
    "es inaceptable",
    "vaya desastre de empresa",
    "ya es la tercera vez que escribo por lo mismo",
    "me tienen hasta las narices",
    "estoy muy molesto con todo esto",
    "es indignante cómo tratan a los clientes",
    "llevo una semana así y nadie hace nada",
    "qué rabia me da",
]
ESCALATE = [
    "quiero hablar con un supervisor ya",
    "voy a poner una reclamación formal",
    "si no lo solucionan hoy me doy de baja",
    "esto lo voy a denunciar en consumo",
    "me están tomando el pelo",
    "no quiero más excusas, quiero una solución",
    "me cambio de compañía, no aguanto más",
    "devuélvanme mi dinero de una vez",
]
INSULTS = [
    "son unos inútiles",
    "panda de ladrones",
    "qué mierda de servicio",
    "sois unos chorizos",
    "menuda chapuza de empresa",
    "una porquería de app",
    "son unos chantas",
    "qué pinche servicio tan malo",
    "me tienen podrido",
    "qué cutre todo, de verdad",
    "una cagada lo de ustedes",
    "payasos, eso es lo que son",
]
SARCASM = [
    "genial, otra semana igual. gracias por nada",
    "qué maravilla, tres horas esperando",
    "sí claro, como la última vez",
    "bravo, ya van cuatro llamadas",
    "perfecto, ahora me cobran dos veces. un aplauso",
    "qué eficiencia la de ustedes eh",
    "me encanta esperar una hora para nada",
    "muy útil la respuesta eh",
    "excelente, otra vez lo mismo",
    "fantástico, me quedo sin solución. de risa",
]
RESIGNED = [
    "bueno, qué le vamos a hacer. una pena",
    "ya veo que no hay solución",
    "pues nada, me buscaré otra compañía",
    "vale… otra vez a esperar",
    "no me sirve de nada esa respuesta",
    "ya lo probé y sigue igual",
    "eso mismo me dijeron ayer y nada",
    "gracias, pero sigue sin funcionar",
]
HAPPY_OPENERS = [
    "¡Hola! Antes que nada, gracias por lo del otro día, fueron geniales.",
    "Hola, la verdad muy contenta con el servicio hasta ahora.",
    "Buenas! Me encanta la app, súper cómoda.",
]

ONE_LINERS = {
    "DISSATISFIED": ["pésima atención", "horrible todo", "un robo total", "fatal", "😡😡", "nunca más compro aquí",
                     "qué asco de servicio", "👎", "malísimo", "vergonzoso", "una tomadura de pelo", "cero de diez"],
    "SATISFIED": ["excelente!!", "muy buena atención 👏", "todo perfecto, mil gracias!", "genial 😍", "un lujo",
                  "buenísimo, gracias", "de diez", "súper rápido, gracias!!", "encantada 🥰", "fantástico"],
    "NEUTRAL": ["ok", "👍", "gracias", "recibido", "vale", "ok gracias", "hola", "sí", "no", "¿?", "mañana lo veo", "3"],
}

EMAIL_OPEN = ["Estimados señores:", "Buenos días:", "Hola, equipo de {brand}:", "A quien corresponda:", "Buenas tardes,"]
EMAIL_CLOSE = ["Un saludo,\n{name}", "Atentamente,\n{name}", "Quedo a la espera de su respuesta.\n{name}", "Gracias de antemano.\n{name}"]
EMAIL_COMPLAINT = [
    "Les escribo por tercera vez por el mismo problema.",
    "Considero inaceptable el trato recibido.",
    "Exijo una solución inmediata o acudiré a la oficina del consumidor.",
    "Es lamentable que una empresa como la suya funcione así.",
]
EMAIL_THANKS = [
    "Quería agradecerles la rapidez con la que resolvieron mi caso.",
    "Quiero felicitar a {agent} por su amabilidad y profesionalidad.",
    "Todo quedó solucionado y estoy muy satisfecha con la atención.",
]
EMAIL_NEUTRAL = ["Les escribo para hacer una consulta.", "Necesitaría la siguiente información.", "Adjunto los datos de mi contrato."]
AGENT_EMAIL_OPEN = ["Estimado/a {name}:", "Buenos días, {name}:", "Hola, {name}:"]
AGENT_EMAIL_CLOSE = ["Un cordial saludo,\n{agent}, {brand}", "Atentamente,\n{agent}\nAtención al cliente de {brand}"]

# WhatsApp shorthand: (word, how it is typed), applied at random.
SHORTHAND = [("que", "q"), ("por favor", "porfa"), ("también", "tb"), ("porque", "xq"), ("gracias", "grax"),
             ("mensaje", "msj"), ("está", "ta"), ("para", "pa"), ("nada", "na"), ("bueno", "bno")]
EMOJI = {"DISSATISFIED": ["😡", "😤", "🙄", "😒", "👎"], "SATISFIED": ["😍", "🙏", "👏", "😊", "🥰"], "NEUTRAL": ["🙂", "👍", ""]}
