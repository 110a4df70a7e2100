"""Spanish services the generated conversations are about: what customers ask and report, and what
agents answer (written for Rapport; slots in braces are filled by `ml.corpus_builder.compose`)."""

DOMAINS = [
    {
        "brands": ["Movilnet", "Fibratel", "Conecta+"],
        "problems": [
            "desde {day} no tengo internet en casa, el router parpadea en rojo",
            "me han cobrado {amount} de más en la factura de este mes",
            "la línea se corta cada vez que intento llamar",
            "contraté la fibra de {n}00 megas y me llegan apenas {n}0",
            "no me llegan los SMS de verificación del banco a mi número",
            "me activaron un plan que yo no pedí",
        ],
        "requests": [
            "¿qué planes de fibra tienen para mi zona?",
            "quería saber cuánto cuesta añadir una línea más",
            "¿cómo hago para pasar mi número a prepago?",
            "¿el roaming en {city} está incluido en mi tarifa?",
        ],
        "fixes": [
            "He reiniciado tu línea desde aquí y he abierto una incidencia; el técnico va {day} por la mañana.",
            "Te devolvemos los {amount} en la próxima factura, ya quedó registrado.",
            "He cambiado la configuración del router a distancia. Prueba ahora, por favor.",
        ],
        "infos": [
            "Tenemos fibra de {n}00 megas por {amount} al mes, sin permanencia.",
            "La línea adicional cuesta {amount} al mes e incluye {n}0 GB.",
            "Sí, el roaming está incluido en todos los planes desde este año.",
        ],
        "failures": [
            "Según el sistema la línea funciona correctamente, no podemos mandar un técnico.",
            "No es posible anular el cargo, el plan se activó desde tu cuenta.",
            "La primera cita libre para el técnico es dentro de {n} semanas.",
        ],
    },
    {
        "brands": ["Banco Sol", "Caja Andina", "Finbank"],
        "problems": [
            "me bloquearon la tarjeta y estoy de viaje en {city}",
            "hay un cargo de {amount} que no reconozco en mi cuenta",
            "la transferencia que hice el {day} todavía no llegó",
            "la app me dice error al iniciar sesión desde que la actualicé",
            "me cobraron comisión de mantenimiento aunque tengo la nómina domiciliada",
        ],
        "requests": [
            "¿cuál es el límite diario para sacar dinero del cajero?",
            "quería pedir un aumento del límite de la tarjeta",
            "¿cómo solicito un certificado de titularidad?",
            "¿puedo abrir una cuenta para mi hija desde la app?",
        ],
        "fixes": [
            "Ya desbloqueé la tarjeta, puedes volver a usarla ahora mismo.",
            "Abrí una reclamación por el cargo y te devolvimos el importe de forma provisional.",
            "La transferencia estaba retenida por una verificación; ya se liberó.",
        ],
        "infos": [
            "El límite diario en cajero es de {amount}; puedes cambiarlo en la app.",
            "El certificado se descarga en Perfil > Documentos, tarda unos segundos.",
            "Sí, desde la app puedes abrir una cuenta para menores con tu DNI.",
        ],
        "failures": [
            "Por seguridad no podemos desbloquear la tarjeta por chat; tienes que ir a una oficina.",
            "La comisión es correcta según las condiciones de tu cuenta.",
            "No vemos ningún error por nuestra parte, la transferencia salió bien.",
        ],
    },
    {
        "brands": ["Mercadix", "TiendaYa", "Compralo"],
        "problems": [
            "mi pedido {order} tenía que llegar el {day} y sigue sin aparecer",
            "me llegó la talla equivocada en el pedido {order}",
            "el paquete llegó con la caja rota y el producto rayado",
            "el seguimiento dice entregado pero yo no recibí nada",
            "pedí {n} unidades y solo me llegaron dos",
            "devolví el pedido hace {n} semanas y no veo el reembolso",
        ],
        "requests": [
            "¿hacen envíos a {city}?",
            "¿cuánto tarda un envío normal?",
            "¿puedo cambiar la dirección de entrega del pedido {order}?",
            "¿tienen la zapatilla en talla {n}?",
        ],
        "fixes": [
            "Te envié un producto nuevo sin coste; llega {day}.",
            "Ya procesamos el reembolso del pedido {order}, lo verás en 2 o 3 días.",
            "Cambié la dirección, el repartidor ya tiene la nueva.",
        ],
        "infos": [
            "Sí, enviamos a {city}; el envío tarda de 2 a 4 días hábiles.",
            "El envío estándar tarda 48 horas y es gratis desde {amount}.",
            "Queda stock en talla {n}, puedes pedirla en la web.",
        ],
        "failures": [
            "El transportista confirma la entrega, no podemos hacer nada más.",
            "El plazo para reclamar terminó hace dos días.",
            "Tienes que esperar 15 días hábiles antes de abrir una reclamación.",
        ],
    },
    {
        "brands": ["Aerosur", "Vuelamás", "IberJet"],
        "problems": [
            "me cancelaron el vuelo de mañana a {city} y no me ofrecen alternativa",
            "mi maleta no llegó a {city}",
            "me cobraron el asiento dos veces en la reserva {order}",
            "el vuelo salió con {n} horas de retraso y perdí la conexión",
        ],
        "requests": [
            "¿cuánto equipaje de mano puedo llevar?",
            "¿puedo cambiar la fecha de mi vuelo a {city}?",
            "¿a qué hora abre el mostrador de facturación?",
            "¿el billete incluye comida?",
        ],
        "fixes": [
            "Te reubiqué en el vuelo de las {n}:30 sin coste y te mandé la tarjeta de embarque.",
            "Tu maleta está localizada y te la llevamos al hotel esta noche.",
            "Devolví el cargo duplicado del asiento, en unos días lo verás.",
        ],
        "infos": [
            "Puedes llevar una maleta de 10 kg y un bolso pequeño.",
            "El cambio de fecha cuesta {amount} más la diferencia de tarifa.",
            "La facturación abre tres horas antes de la salida.",
        ],
        "failures": [
            "La compensación no aplica porque el retraso fue por meteorología.",
            "No hay plazas en otros vuelos hasta el {day}.",
            "La reclamación de equipaje debe hacerse en el aeropuerto.",
        ],
    },
    {
        "brands": ["Luz Norte", "Aguas del Valle", "Gasnova"],
        "problems": [
            "me llegó una factura de luz de {amount}, el triple de lo normal",
            "llevo {n} días sin agua caliente",
            "hay un corte de luz en mi calle desde esta mañana",
            "el contador lo leyeron mal, pone una lectura que no es",
        ],
        "requests": [
            "¿cómo cambio la titularidad del contrato?",
            "quería cambiarme a la tarifa con discriminación horaria",
            "¿cuándo pasan a leer el contador?",
        ],
        "fixes": [
            "Corregimos la lectura y te emitimos una factura nueva de {amount}.",
            "Hay una avería en la zona; la reparan hoy antes de las {n}.",
            "Ya está hecho el cambio de tarifa, se aplica desde el mes que viene.",
        ],
        "infos": [
            "El cambio de titularidad se hace con el DNI del nuevo titular en la web.",
            "La lectura es cada dos meses; la próxima es el {day}.",
        ],
        "failures": [
            "La factura es correcta según la lectura del contador.",
            "No podemos darte una hora exacta de reparación.",
            "Para reclamar tienes que enviar el formulario por correo postal.",
        ],
    },
    {
        "brands": ["SaludPlus", "Clínica Central", "Medivida"],
        "problems": [
            "me rechazaron el reembolso de la consulta del {day}",
            "llevo {n} semanas esperando la autorización de una resonancia",
            "me cambiaron la cita con el especialista sin avisarme",
            "la receta electrónica no aparece en la farmacia",
        ],
        "requests": [
            "¿la póliza cubre el dentista?",
            "quería pedir cita con dermatología",
            "¿qué documentos necesito para dar de alta a mi bebé?",
        ],
        "fixes": [
            "Autoricé la resonancia ahora mismo, ya puedes pedir cita.",
            "Te reservé cita con dermatología el {day} a las {n}:00.",
            "Reenviamos la receta, ya debería verse en la farmacia.",
        ],
        "infos": [
            "El dentista está cubierto en limpiezas y revisiones, no en ortodoncia.",
            "Para el alta del bebé necesitas el libro de familia y tu número de póliza.",
        ],
        "failures": [
            "La autorización puede tardar hasta 30 días, no podemos acelerarla.",
            "Esa consulta no está cubierta por tu póliza.",
            "No hay citas disponibles este mes.",
        ],
    },
    {
        "brands": ["Flixo", "Musicbox", "Cinemax Play"],
        "problems": [
            "me cobraron la suscripción dos veces este mes",
            "cancelé la suscripción y me siguen cobrando {amount}",
            "la app se cierra sola cada vez que abro una serie",
            "no puedo entrar a mi cuenta, dice que el correo no existe",
        ],
        "requests": [
            "¿cuántas pantallas incluye el plan familiar?",
            "¿puedo descargar películas para verlas sin conexión?",
            "¿cómo cambio el método de pago?",
        ],
        "fixes": [
            "Devolví el cobro duplicado, lo verás en tu tarjeta en 5 días.",
            "Restablecí tu cuenta; ya puedes entrar con tu correo.",
            "Anulé la suscripción y reembolsé los {amount}.",
        ],
        "infos": [
            "El plan familiar incluye {n} pantallas a la vez.",
            "Sí, en la app puedes descargar hasta 25 títulos.",
        ],
        "failures": [
            "No hacemos reembolsos de meses ya iniciados.",
            "No vemos ninguna cuenta con ese correo.",
            "Es un problema de tu dispositivo, no de la app.",
        ],
    },
    {
        "brands": ["Comidapp", "RapiPedido", "Glotón"],
        "problems": [
            "el pedido llegó frío y con una hora de retraso",
            "me faltó una bebida y el postre en el pedido {order}",
            "el repartidor marcó entregado pero nunca vino",
            "me trajeron un pedido que no era el mío",
        ],
        "requests": [
            "¿puedo pagar en efectivo al repartidor?",
            "¿a qué hora cierra la cocina de la pizzería?",
            "¿tienen opciones sin gluten?",
        ],
        "fixes": [
            "Te devolvimos el importe completo del pedido {order} y te dejamos un cupón de {amount}.",
            "Te mandamos lo que faltaba, llega en 20 minutos.",
        ],
        "infos": [
            "Sí, puedes elegir pago en efectivo al finalizar el pedido.",
            "La cocina cierra a las 23:30 entre semana.",
        ],
        "failures": [
            "El restaurante dice que el pedido salió completo.",
            "Solo podemos darte un cupón, no un reembolso.",
        ],
    },
]
