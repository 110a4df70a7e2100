"""Person names for demo contacts, by language.

Compound first names ("María José", "João Pedro") and accented surnames are deliberate: they are
what the accent-folding sort and search of the contacts module must cope with.
"""

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "es": (
        "María José", "María", "Lucía", "Carmen", "Sofía", "Valentina", "Camila", "Martina", "Isabel",
        "Ana", "Paula", "Elena", "Laura", "Marta", "Daniela", "Florencia", "Guadalupe", "Ximena",
        "Renata", "Agustina", "Rocío", "Inés", "Pilar", "Mercedes", "Julieta", "Catalina", "Victoria",
        "Lorena", "Natalia", "Alejandra", "Belén", "Ángela", "Micaela", "Luciana", "Mónica",
        "Verónica", "Nuria", "Begoña", "Montserrat", "Ana Belén",
        "José Luis", "Juan Carlos", "Javier", "Alejandro", "Santiago", "Mateo", "Diego", "Martín",
        "Sebastián", "Nicolás", "Joaquín", "Tomás", "Andrés", "Fernando", "Pablo", "Álvaro", "Jorge",
        "Carlos", "Miguel Ángel", "Rodrigo", "Gonzalo", "Facundo", "Emiliano", "Iñaki", "Raúl",
        "Ignacio", "Héctor", "Ramón", "Julián", "Francisco", "Manuel", "Sergio", "Óscar", "Rubén",
        "Esteban", "Agustín", "Lautaro", "Benjamín", "Juan Pablo",
    ),
    "pt": (
        "Maria", "Ana", "Conceição", "Joana", "Beatriz", "Mariana", "Inês", "Leonor", "Carolina",
        "Fernanda", "Juliana", "Camila", "Larissa", "Letícia", "Gabriela", "Patrícia", "Aline",
        "Luíza", "Tânia", "Sandra", "Catarina", "Rita", "Filipa", "Marta", "Sofia", "Bianca",
        "Vitória", "Helena", "Raquel", "Cláudia", "Simone", "Débora", "Fátima", "Graça", "Lúcia",
        "Ana Beatriz", "Maria Eduarda",
        "João", "José", "António", "Francisco", "Pedro", "Tiago", "Rui", "Miguel", "Gonçalo",
        "Duarte", "Lucas", "Gabriel", "Rafael", "Matheus", "Gustavo", "Felipe", "Bruno", "Thiago",
        "Rodrigo", "Marcelo", "Vinícius", "Leonardo", "Caio", "Henrique", "André", "Sérgio", "Fábio",
        "Paulo", "Luís", "Nuno", "Diogo", "Vítor", "Márcio", "Otávio", "João Pedro", "Luiz Carlos",
    ),
    "en": (
        "Emily", "Olivia", "Charlotte", "Amelia", "Sophie", "Hannah", "Grace", "Chloe", "Emma",
        "Jessica", "Sarah", "Rachel", "Megan", "Lauren", "Abigail", "Madison", "Harper", "Ella",
        "Lucy", "Eleanor", "Zoe", "Isla", "Freya", "Poppy", "Niamh", "Siobhan", "Aisha", "Priya",
        "James", "Oliver", "William", "Harry", "Jack", "George", "Thomas", "Daniel", "Michael",
        "Matthew", "Ethan", "Noah", "Liam", "Samuel", "Benjamin", "Joshua", "Ryan", "Connor",
        "Callum", "Owen", "Henry", "Alexander", "Aaron", "Nathan", "Dylan", "Rhys", "Patrick",
        "Seán", "Tyler", "Zoë", "Chloé",
    ),
}

SURNAMES: dict[str, tuple[str, ...]] = {
    "es": (
        "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
        "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
        "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil",
        "Ramírez", "Serrano", "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro",
        "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Cortés",
        "Castillo", "Santos", "Lozano", "Guerrero", "Cano", "Prieto", "Méndez", "Cruz", "Calvo",
        "Gallego", "Vidal", "León", "Herrera", "Peña", "Flores", "Cabrera", "Campos", "Vega",
        "Fuentes", "Carrasco", "Díez", "Aguilar", "Ibáñez", "Quiroga", "Echeverría", "Villalobos",
        "Zapata", "Bustos", "Quispe", "Mamani", "Olmedo", "Zúñiga",
    ),
    "pt": (
        "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins",
        "Jesus", "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida",
        "Ribeiro", "Pinto", "Carvalho", "Teixeira", "Moreira", "Correia", "Mendes", "Nunes",
        "Soares", "Vieira", "Monteiro", "Cardoso", "Rocha", "Raposo", "Neves", "Coelho", "Cruz",
        "Cunha", "Pires", "Ramos", "Reis", "Simões", "Antunes", "Matos", "Fonseca", "Araújo",
        "Barbosa", "Azevedo", "Castro", "Magalhães", "Brandão", "Gusmão", "Assunção", "Falcão",
        "Leitão", "Guimarães", "Brito", "Lima", "Sampaio",
    ),
    "en": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies", "Wilson", "Evans",
        "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
        "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Moore",
        "Cooper", "Ward", "Morris", "King", "Baker", "Murphy", "O'Connor", "O'Brien", "Kelly",
        "Campbell", "Stewart", "Anderson", "Mitchell", "Carter", "Phillips", "Parker", "Collins",
        "Bennett", "Reid", "Fraser", "McDonald", "Sullivan", "Brontë",
    ),
}

# Portuguese family names often come with a particle; they read as one surname.
PT_PARTICLE_SURNAMES: tuple[str, ...] = (
    "da Silva", "dos Santos", "de Oliveira", "da Costa", "de Souza", "dos Reis", "da Conceição",
    "de Jesus", "da Cunha", "das Neves",
)


def compose_name(rng, language: str) -> tuple[str, str]:
    """A realistic full name for `language`, and the first name used to greet the person."""
    first = rng.choice(FIRST_NAMES[language])
    surnames = SURNAMES[language]
    if language == "es":
        # Spanish-speaking countries use two surnames; many people only give the first.
        parts = [first, rng.choice(surnames)]
        if rng.random() < 0.55:
            parts.append(rng.choice(surnames))
    elif language == "pt":
        parts = [first]
        if rng.random() < 0.45:
            parts.append(rng.choice(surnames))
        parts.append(rng.choice(PT_PARTICLE_SURNAMES) if rng.random() < 0.3 else rng.choice(surnames))
    else:
        parts = [first, rng.choice(surnames)]
    return " ".join(parts), first.split()[0]
