"""Catalogue items of the two demo companies (about forty each, no real brands), by the language
of the market they are sold in; messages to a contact mention items of the contact's language."""

RETAIL_PRODUCTS: dict[str, tuple[str, ...]] = {
    "es": (
        "Zapatillas urbanas Cumbre", "Mochila de trekking 30 L", "Cafetera espresso 15 bar",
        "Auriculares inalámbricos Eco", "Smart TV 55\" 4K", "Freidora de aire 5 L", "Licuadora de vaso 1,5 L",
        "Set de sartenes antiadherentes", "Camiseta de algodón orgánico", "Jeans slim azul índigo",
        "Chaqueta impermeable Andina", "Bicicleta urbana rodado 28", "Colchón viscoelástico 2 plazas",
        "Lámpara de pie LED", "Perfume Brisa del Pacífico 100 ml", "Kit de mate y bombilla",
    ),
    "pt": (
        "Tênis de corrida Leve", "Garrafa térmica 1 L", "Panela de pressão 6 L", "Ventilador de coluna",
        "Cadeira de praia dobrável", "Vestido floral de linho", "Óculos de sol polarizados",
        "Kit de toalhas de banho (4)", "Liquidificador 1000 W", "Smartphone 128 GB", "Relógio esportivo GPS",
        "Notebook 14\" 16 GB",
    ),
    "en": (
        "Smartwatch Pulse", "Gift card 50 USD", "Yoga mat 6 mm", "Stainless steel water bottle",
        "Wireless charging pad", "Noise-cancelling headphones", "Espresso cups (set of 6)",
        "Running socks (3 pairs)", "Bluetooth speaker Wave", "Robot vacuum cleaner", "Ergonomic office chair",
        "10-inch tablet",
    ),
}

TELECOM_PRODUCTS: dict[str, tuple[str, ...]] = {
    "pt": (
        "Fibra 500 Mbps", "Fibra 1 Gbps", "Fibra 10 Gbps Empresas", "Tarifário Móvel 10 GB",
        "Tarifário Móvel 30 GB", "Tarifário Móvel Ilimitado", "Pacote Roaming Europa", "Pacote Roaming Mundo",
        "Router Wi-Fi 6", "Extensor Wi-Fi Mesh", "Box TV 4K", "Pacote Desporto", "Pacote Cinema",
        "Pacote Infantil", "Cartão eSIM", "Smartphone Andrómeda 5G", "Smartphone Atlântico Lite",
        "Seguro de equipamento", "Linha fixa ilimitada", "Internet móvel 4G Box", "Fibra + Móvel Duo",
        "Fibra + TV + Móvel Trio", "Chamadas internacionais 500 min", "Antivírus Família",
        "Apoio técnico Premium", "Carregador rápido 65 W",
    ),
    "es": (
        "Tarifa joven 20 GB", "Tarifa Familia 4 líneas", "Bono roaming América", "Router Wi-Fi 6 (España)",
        "Fibra 600 Mb Hogar", "Número adicional",
    ),
    "en": (
        "Business Phone 5 users", "Static IP add-on", "Prepaid top-up 20 EUR", "Data add-on 5 GB",
        "Music streaming add-on", "5G home router", "Cloud Backup 1 TB", "Tablet 5G 11\"",
    ),
}
