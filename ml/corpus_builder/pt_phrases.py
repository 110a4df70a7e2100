"""Portuguese phrases of the generated conversations (Brazil and Portugal): who speaks, how
customers feel and say so, how agents open, apologise and close (written for Rapport). Labels
follow ml/corpus/README.md."""

AGENTS = ["Juliana", "Rafael", "Beatriz", "Thiago", "Mariana", "Pedro", "Larissa", "Gustavo", "Inês", "João"]
CUSTOMERS = ["Fernanda Lima", "Carlos Souza", "Patrícia Alves", "Ricardo Nunes", "Sofia Costa", "Bruno Dias", "Helena Rocha", "André Matos"]
CITIES = ["São Paulo", "Lisboa", "Recife", "Porto", "Curitiba", "Belo Horizonte", "Braga", "Salvador"]
DAYS = ["segunda", "terça", "quarta", "quinta", "sexta", "ontem", "sábado", "dia 12"]
GREETINGS = ["oi", "olá", "bom dia", "boa tarde", "oi tudo bem?", "oii", ""]

AGENT_OPEN = [
    "Olá, aqui é {agent} da {brand}. Como posso ajudar?",
    "Oi! Sou {agent}, da {brand}. Me conta o que aconteceu.",
    "Boa tarde, {agent} falando. Em que posso ajudar?",
]
AGENT_ASK = [
    "Pode me passar o número do pedido ou do CPF?",
    "Para verificar preciso do número do contrato.",
    "Me confirma o e-mail do cadastro, por favor?",
    "Vou verificar. Qual é o protocolo?",
]
AGENT_APOLOGY = [
    "Sinto muito pelo transtorno.",
    "Peço desculpas pelo ocorrido.",
    "Você tem toda a razão, desculpe.",
    "Lamento muito a situação.",
    "Entendo sua chateação, me desculpe.",
]
AGENT_CLOSE = ["Posso ajudar em algo mais?", "Mais alguma coisa em que eu possa ajudar?", "Fico à disposição para o que precisar."]
AGENT_GOODBYE = ["Eu que agradeço! Tenha um ótimo dia.", "Foi um prazer ajudar.", "Por nada, qualquer coisa é só chamar!"]
AGENT_CALM = [
    "Entendo sua irritação. Vou analisar seu caso agora mesmo.",
    "Peço um pouco de paciência, estou buscando uma solução.",
    "Compreendo. Vou encaminhar para o meu supervisor.",
]
AGENT_PROACTIVE = [
    "Seu pedido {order} saiu para entrega.",
    "Como você avalia o atendimento de hoje?",
    "Lembrete: sua consulta é {day} às {n}h.",
    "Resolvemos o chamado {order}. Está tudo certo aí?",
    "Seu reembolso de {amount} foi processado.",
    "Conseguiu testar a solução que enviamos?",
]

DATA = ["é o {order}", "{order}", "no nome de {name}", "o contrato é {order}", "meu e-mail é {mail}", "isso, esse mesmo"]
DOUBTS = [
    "e isso demora quanto?",
    "preciso fazer mais alguma coisa?",
    "tá, e se continuar sem funcionar?",
    "vou receber algum e-mail de confirmação?",
    "é pra {day} mesmo?",
    "tem algum custo?",
    "ah, e onde eu vejo isso?",
]
ACKS = ["ok", "tá", "certo", "beleza", "blz", "entendi", "combinado", "ok obrigado", "obrigada", "valeu", "vlw", "obg", "👍",
        "ok 👍", "tá bom", "recebido", "ok, vou ver", "ah tá", "sim", "obrigado pela informação", "ok, aguardo então"]
RELIEF = [
    "finalmente funcionou, muito obrigado",
    "chegou aqui, que ótimo!",
    "agora sim, tudo certo. muitíssimo obrigada",
    "que alívio, obrigado por resolver tão rápido",
    "funcionou perfeitamente, obrigado de verdade",
    "pronto, você salvou meu dia",
    "já está aqui, atendimento excelente",
    "ufa, achei que ia perder. obrigada!",
]
PRAISE = [
    "atendimento excelente, super rápido",
    "você é demais, obrigado por tudo",
    "sinceramente, atendimento nota dez",
    "adorei como resolveram",
    "muito atenciosos, tudo resolvido",
    "dá gosto ser atendido assim",
    "show de bola, assim dá vontade de continuar com vocês",
    "obrigada {agent}, você é um amor",
    "impecável, super recomendo",
    "que rapidez, incrível. obrigado!",
]
ANGER = [
    "isso é uma vergonha",
    "estou cansada de mandar mensagem",
    "que atendimento ruim",
    "não é possível que ninguém me responda",
    "é inaceitável",
    "que empresa desastrosa",
    "já é a terceira vez que escrevo pela mesma coisa",
    "estou de saco cheio",
    "estou muito chateado com tudo isso",
    "é revoltante como tratam os clientes",
    "faz uma semana assim e ninguém faz nada",
    "que raiva que me dá",
]
ESCALATE = [
    "quero falar com um supervisor agora",
    "vou registrar reclamação no Procon",
    "se não resolverem hoje eu cancelo",
    "vou colocar no Reclame Aqui",
    "vocês estão de brincadeira comigo",
    "não quero mais desculpas, quero solução",
    "vou trocar de operadora, não aguento mais",
    "devolvam meu dinheiro de uma vez",
]
INSULTS = [
    "vocês são uns inúteis",
    "bando de ladrões",
    "que merda de atendimento",
    "empresa lixo",
    "uma porcaria de aplicativo",
    "que palhaçada é essa",
    "serviço bosta",
    "que sacanagem com o cliente",
    "vocês são uns incompetentes",
    "tô puto com essa empresa",
    "atendimento zoado demais",
    "que descaso, pqp",
]
SARCASM = [
    "ótimo, mais uma semana esperando. obrigado por nada",
    "que maravilha hein, três horas esperando",
    "aham, igual da última vez",
    "parabéns pela demora, já são quatro ligações",
    "perfeito, agora cobraram duas vezes. só que não",
    "nossa que eficiência",
    "adoro esperar uma hora pra nada",
    "muito útil a resposta hein",
    "excelente hein, de novo a mesma coisa",
    "que beleza hein, fiquei sem solução",
]
RESIGNED = [
    "bom, fazer o quê. que pena",
    "já vi que não tem solução",
    "então tá, vou procurar outra empresa",
    "tá… vou esperar de novo",
    "essa resposta não me ajuda em nada",
    "já testei e continua igual",
    "foi o que me disseram ontem e nada",
    "obrigado, mas continua sem funcionar",
]
HAPPY_OPENERS = [
    "Oi! Antes de tudo, obrigada pelo atendimento da semana passada, foram ótimos.",
    "Olá, sinceramente estou muito satisfeito com o serviço até agora.",
    "Bom dia! Adoro o app, muito prático.",
]

ONE_LINERS = {
    "DISSATISFIED": ["serviço péssimo", "horrível tudo", "golpe", "muito ruim", "😡😡", "nunca mais compro aqui",
                     "que nojo de serviço", "👎", "ruim demais", "vergonhoso", "uma palhaçada", "nota zero"],
    "SATISFIED": ["excelente!!", "atendimento top 👏", "tudo perfeito, muito obrigado!", "amei 😍", "maravilhoso",
                  "ótimo, obrigada", "nota dez", "super rápido, obrigado!!", "adorei 🥰", "sensacional"],
    "NEUTRAL": ["ok", "👍", "obg", "recebido", "tá", "ok obrigado", "oi", "sim", "não", "?", "amanhã eu vejo", "2"],
}

EMAIL_OPEN = ["Prezados,", "Bom dia,", "Olá, equipe {brand},", "A quem possa interessar,", "Exmos. Senhores,"]
EMAIL_CLOSE = ["Atenciosamente,\n{name}", "Cumprimentos,\n{name}", "Aguardo retorno.\n{name}", "Desde já agradeço.\n{name}"]
EMAIL_COMPLAINT = [
    "Escrevo pela terceira vez sobre o mesmo problema.",
    "Considero inaceitável o tratamento recebido.",
    "Exijo uma solução imediata ou recorrerei aos órgãos de defesa do consumidor.",
    "É lamentável que uma empresa como a vossa funcione assim.",
]
EMAIL_THANKS = [
    "Gostaria de agradecer a rapidez com que resolveram o meu caso.",
    "Quero elogiar {agent} pela simpatia e profissionalismo.",
    "Ficou tudo resolvido e estou muito satisfeita com o atendimento.",
]
EMAIL_NEUTRAL = ["Escrevo para tirar uma dúvida.", "Precisaria das seguintes informações.", "Envio em anexo os dados do contrato."]
AGENT_EMAIL_OPEN = ["Prezado(a) {name},", "Bom dia, {name},", "Olá, {name},"]
AGENT_EMAIL_CLOSE = ["Atenciosamente,\n{agent}, {brand}", "Cumprimentos,\n{agent}\nApoio ao cliente {brand}"]

# WhatsApp shorthand: (word, how it is typed), applied at random.
SHORTHAND = [("que", "q"), ("você", "vc"), ("porque", "pq"), ("também", "tb"), ("obrigado", "obg"), ("beleza", "blz"),
             ("não", "n"), ("para", "pra"), ("está", "tá"), ("mensagem", "msg")]
EMOJI = {"DISSATISFIED": ["😡", "😤", "🙄", "😒", "👎"], "SATISFIED": ["😍", "🙏", "👏", "😊", "🥰"], "NEUTRAL": ["🙂", "👍", ""]}
