"""Portuguese services the generated conversations are about (Brazil and Portugal): what customers
ask and report, and what agents answer (written for Rapport; slots in braces are filled by
`ml.corpus_builder.compose`)."""

DOMAINS = [
    {
        "brands": ["Vivanet", "FibraMais", "TeleSul"],
        "problems": [
            "estou sem internet desde {day}, a luz do modem está piscando vermelho",
            "vieram {amount} a mais na fatura deste mês",
            "a ligação cai toda vez que tento falar com alguém",
            "contratei {n}00 mega e não passa de {n}0",
            "meu chip não recebe mais os códigos por SMS",
            "ativaram um pacote de canais que eu não pedi",
        ],
        "requests": [
            "quais planos de fibra vocês têm pro meu bairro?",
            "quanto custa colocar mais uma linha no meu plano?",
            "como faço a portabilidade do meu número?",
            "o roaming em {city} está incluso no meu plano?",
        ],
        "fixes": [
            "Reiniciei sua linha por aqui e abri uma visita técnica para {day} de manhã.",
            "Os {amount} vão ser estornados na próxima fatura, já está registrado.",
            "Atualizei a configuração do modem remotamente. Pode testar agora, por favor?",
        ],
        "infos": [
            "Temos fibra de {n}00 mega por {amount} por mês, sem fidelidade.",
            "A linha adicional sai por {amount} por mês com {n}0 GB.",
            "Sim, o roaming está incluído em todos os planos desde este ano.",
        ],
        "failures": [
            "No sistema sua linha está normal, não conseguimos enviar técnico.",
            "Não é possível cancelar a cobrança, o pacote foi ativado pela sua conta.",
            "A primeira data livre para o técnico é daqui a {n} semanas.",
        ],
    },
    {
        "brands": ["Banco Horizonte", "NuCredi", "Caixa Leste"],
        "problems": [
            "meu cartão foi bloqueado e estou viajando em {city}",
            "tem uma compra de {amount} que eu não reconheço na fatura",
            "o Pix que fiz {day} ainda não caiu na outra conta",
            "o aplicativo dá erro no login desde a atualização",
            "cobraram tarifa de manutenção mesmo eu tendo conta salário",
        ],
        "requests": [
            "qual o limite diário de saque no caixa eletrônico?",
            "queria pedir aumento do limite do cartão",
            "como tiro o comprovante de titularidade da conta?",
            "dá pra abrir conta para minha filha pelo app?",
        ],
        "fixes": [
            "Desbloqueei o cartão, já pode usar normalmente.",
            "Abri uma contestação da compra e o valor foi estornado provisoriamente.",
            "O Pix estava retido para verificação, já foi liberado.",
        ],
        "infos": [
            "O limite diário de saque é {amount}; você pode ajustar no app.",
            "O comprovante fica em Perfil > Documentos, sai na hora.",
            "Sim, pelo app você abre conta para menores com o seu CPF.",
        ],
        "failures": [
            "Por segurança não podemos desbloquear pelo chat, precisa ir a uma agência.",
            "A tarifa está correta de acordo com o seu pacote de serviços.",
            "Não identificamos erro nosso, o Pix foi enviado corretamente.",
        ],
    },
    {
        "brands": ["Compra Já", "LojaMix", "Entrega Fácil"],
        "problems": [
            "meu pedido {order} era pra chegar {day} e até agora nada",
            "veio o tamanho errado no pedido {order}",
            "a caixa chegou amassada e o produto riscado",
            "o rastreio diz entregue mas eu não recebi nada",
            "pedi {n} unidades e só vieram duas",
            "devolvi o produto faz {n} semanas e o reembolso não caiu",
        ],
        "requests": [
            "vocês entregam em {city}?",
            "quanto tempo demora a entrega normal?",
            "consigo mudar o endereço de entrega do pedido {order}?",
            "tem esse tênis no número {n}?",
        ],
        "fixes": [
            "Enviei um produto novo sem custo, chega {day}.",
            "O reembolso do pedido {order} foi processado, cai em 2 ou 3 dias úteis.",
            "Alterei o endereço, o entregador já está com o novo.",
        ],
        "infos": [
            "Entregamos sim em {city}, o prazo é de 2 a 4 dias úteis.",
            "A entrega padrão leva 48 horas e é grátis acima de {amount}.",
            "Temos estoque no número {n}, é só pedir pelo site.",
        ],
        "failures": [
            "A transportadora confirma a entrega, não podemos fazer mais nada.",
            "O prazo para reclamação terminou há dois dias.",
            "É preciso aguardar 15 dias úteis antes de abrir uma reclamação.",
        ],
    },
    {
        "brands": ["VoaBrasil", "AeroLuso", "Azur Linhas"],
        "problems": [
            "cancelaram meu voo de amanhã para {city} e não deram alternativa",
            "minha mala não chegou em {city}",
            "cobraram a marcação de assento duas vezes na reserva {order}",
            "o voo atrasou {n} horas e perdi a conexão",
        ],
        "requests": [
            "quanto de bagagem de mão posso levar?",
            "dá pra mudar a data do meu voo para {city}?",
            "que horas abre o check-in no aeroporto?",
            "a passagem inclui refeição?",
        ],
        "fixes": [
            "Remarquei você no voo das {n}:30 sem custo e mandei o cartão de embarque.",
            "Sua mala foi localizada e vamos entregar no hotel hoje à noite.",
            "Estornei a cobrança duplicada do assento.",
        ],
        "infos": [
            "Você pode levar uma mala de 10 kg e uma bolsa pequena.",
            "A remarcação custa {amount} mais a diferença de tarifa.",
            "O check-in abre três horas antes do voo.",
        ],
        "failures": [
            "A indenização não se aplica porque o atraso foi por condições climáticas.",
            "Não há lugares em outros voos até {day}.",
            "A reclamação de bagagem tem que ser feita no aeroporto.",
        ],
    },
    {
        "brands": ["Energia Sul", "Águas do Vale", "GásLar"],
        "problems": [
            "a conta de luz veio {amount}, o triplo do normal",
            "estou há {n} dias sem água",
            "caiu a energia na minha rua desde cedo",
            "a leitura do medidor está errada na conta",
        ],
        "requests": [
            "como faço para trocar a titularidade da conta?",
            "queria mudar para a tarifa branca",
            "quando vocês fazem a leitura do relógio?",
        ],
        "fixes": [
            "Corrigimos a leitura e emitimos uma nova conta de {amount}.",
            "Há um problema na rede da região, a equipe resolve hoje até as {n}h.",
            "A mudança de tarifa está feita, vale a partir do próximo mês.",
        ],
        "infos": [
            "A troca de titularidade é feita pelo site com o documento do novo titular.",
            "A leitura é mensal, a próxima é {day}.",
        ],
        "failures": [
            "A conta está correta conforme a leitura.",
            "Não temos previsão de horário para o religamento.",
            "Para contestar você precisa ir pessoalmente a uma loja.",
        ],
    },
    {
        "brands": ["SaúdeMais", "Clínica Bem Viver", "Plano Vida"],
        "problems": [
            "negaram o reembolso da consulta de {day}",
            "estou esperando há {n} semanas a autorização de uma ressonância",
            "mudaram minha consulta com o especialista sem avisar",
            "a receita digital não aparece na farmácia",
        ],
        "requests": [
            "o plano cobre dentista?",
            "queria marcar dermatologista",
            "que documentos preciso para incluir meu bebê no plano?",
        ],
        "fixes": [
            "Autorizei a ressonância agora, já pode agendar.",
            "Marquei dermatologia para {day} às {n}h.",
            "Reenviamos a receita, já deve aparecer na farmácia.",
        ],
        "infos": [
            "O plano cobre limpeza e revisão, não cobre aparelho.",
            "Para incluir o bebê precisa da certidão de nascimento e da sua carteirinha.",
        ],
        "failures": [
            "A autorização pode levar até 30 dias, não conseguimos adiantar.",
            "Essa consulta não tem cobertura no seu plano.",
            "Não há horários disponíveis este mês.",
        ],
    },
    {
        "brands": ["Tela+", "Somzão", "CineLar"],
        "problems": [
            "cobraram a assinatura duas vezes este mês",
            "cancelei a assinatura e continuam cobrando {amount}",
            "o app fecha sozinho quando abro qualquer série",
            "não consigo entrar, diz que o e-mail não existe",
        ],
        "requests": [
            "quantas telas o plano família tem?",
            "dá pra baixar filmes para ver offline?",
            "como troco a forma de pagamento?",
        ],
        "fixes": [
            "Estornei a cobrança duplicada, aparece no cartão em 5 dias.",
            "Recuperei sua conta, já pode entrar com seu e-mail.",
            "Cancelei a assinatura e devolvi os {amount}.",
        ],
        "infos": [
            "O plano família permite {n} telas ao mesmo tempo.",
            "Sim, no app você baixa até 25 títulos.",
        ],
        "failures": [
            "Não fazemos reembolso de mês já iniciado.",
            "Não encontramos nenhuma conta com esse e-mail.",
            "É um problema do seu aparelho, não do aplicativo.",
        ],
    },
    {
        "brands": ["PedeAí", "Rango Rápido", "FomeZero Delivery"],
        "problems": [
            "o pedido chegou frio e uma hora atrasado",
            "faltou o refrigerante e a sobremesa no pedido {order}",
            "o entregador marcou como entregue mas não apareceu",
            "me entregaram o pedido de outra pessoa",
        ],
        "requests": [
            "posso pagar em dinheiro na entrega?",
            "até que horas a pizzaria aceita pedido?",
            "vocês têm opções sem glúten?",
        ],
        "fixes": [
            "Devolvemos o valor total do pedido {order} e deixamos um cupom de {amount}.",
            "Enviamos o que faltou, chega em 20 minutos.",
        ],
        "infos": [
            "Sim, é só escolher pagamento na entrega ao finalizar.",
            "A cozinha fecha às 23h30 durante a semana.",
        ],
        "failures": [
            "O restaurante diz que o pedido saiu completo.",
            "Só podemos oferecer um cupom, não reembolso.",
        ],
    },
]
