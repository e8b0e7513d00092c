"""Built-in French examples the intent model learns from (one sentence per line).

Written as callers speak on the phone: questions, statements, indirect requests,
fragments, politeness, hesitations, context first. The evaluation sentences in
tests/data/understanding/ are written apart from these and never learnt from.
"""

EXAMPLES = {
    "book": """
une consultation avec le dentiste, pardon, je voulais dire avec l'hygiéniste
je peux réserver avec l'hygiéniste, ah non attendez, plutôt avec le dentiste
un contrôle s'il vous plaît, enfin non, un détartrage
je voudrais un bilan avec le docteur, pardon, l'autre docteur
un détartrage avec l'hygiéniste si elle a de la place
je pourrais passer voir le dentiste pour une consultation
un contrôle avec le docteur lundi s'il vous plaît
je voudrais un détartrage avec l'hygiéniste cette semaine
vous avez un créneau jeudi
il reste de la place lundi
vous auriez un moment libre mardi matin
il y a encore une disponibilité vendredi après-midi
qu'est-ce qui est libre demain
vous avez des disponibilités mercredi après-midi
il vous reste quelque chose en fin de journée
vous auriez une place en début de semaine prochaine
samedi matin c'est possible
il reste des horaires libres le 12
je voudrais prendre rendez-vous
est-ce que je peux avoir un rendez-vous
j'aimerais prendre un rendez-vous s'il vous plaît
vous avez de la place cette semaine
je voudrais voir le docteur
c'est pour un rendez-vous
rendez-vous
prendre rendez-vous
un rendez-vous
je souhaite consulter
est-ce que vous avez un créneau demain
vous auriez une disponibilité vendredi
je peux passer cet après-midi
il me faudrait un rendez-vous pour mon fils
je voudrais un détartrage
j'ai besoin d'un contrôle
bonjour je vous appelle pour fixer un rendez-vous
c'est possible de venir la semaine prochaine
quelle est votre prochaine disponibilité
vous prenez de nouveaux patients
je voudrais réserver
je veux réserver un créneau
réservation
est-ce que je pourrais passer lundi matin
je voudrais venir pour une consultation
mon médecin m'a dit de prendre rendez-vous chez vous
euh oui je voudrais un rendez-vous
je souhaiterais prendre rendez-vous avec maître Martin
je voudrais organiser une visite
il faudrait que je vienne faire vérifier mes dents
j'ai cassé un plombage et je voudrais le faire réparer
est-ce qu'il reste de la place jeudi
le plus tôt possible pour un rendez-vous
je voudrais un premier rendez-vous
vous pouvez me caser cette semaine
je veux un rendez-vous
prendre un rendez-vous pour ma fille
c'est pour une première consultation
je voudrais un devis à domicile
quelqu'un pourrait passer voir ma chaudière
je voudrais fixer une date
on peut trouver un moment pour que je passe
je voudrais réserver pour deux personnes
notez-moi pour un rendez-vous
est-ce possible d'avoir un rendez-vous le mois prochain
j'aimerais consulter pour mon dos
je dois faire mon bilan annuel
vous avez des disponibilités samedi
je voudrais m'inscrire et prendre rendez-vous
je cherche un rendez-vous
rendez-vous s'il vous plaît
je voudrais venir vous voir
est-ce que mardi ça serait possible
alors voilà j'ai mal aux dents depuis une semaine et je voudrais passer
je voudrais un rendez-vous de suivi
j'aimerais planifier une séance
pourriez-vous me donner un rendez-vous
c'est pour une consultation juridique
je voudrais voir l'avocate pour mon dossier
il me faut une date pour un contrôle
bonjour je voulais savoir si vous aviez de la place pour moi
je voudrais venir pour un problème de gencives
vous avez un créneau dans les prochains jours
je voudrais me faire examiner
euh oui il faudrait que je voie quelqu'un
je suis un nouveau patient je voudrais un premier rendez-vous
c'est quand le plus tôt pour passer
je voudrais un rendez-vous en fin de journée
vous pouvez me prendre pour un plombage
il faudrait quelqu'un pour réparer l'évier vous pouvez prévoir ça
je voudrais rencontrer l'avocate
il y aurait de la place jeudi pour moi
j'ai mal aux dents je voudrais passer vous voir
je voudrais être reçu rapidement pour un contrôle
je voudrais réserver une séance
est-ce que le docteur a un trou dans son planning
je cherche une date pour un détartrage
j'aurais besoin de venir consulter
est-ce que je peux avoir une consultation mardi
je voudrais un rendez-vous pour un bilan
vous auriez une place en fin de semaine
bonjour c'est pour prendre un rendez-vous chez le dentiste
je souhaite venir pour une visite de contrôle
il me faut un rendez-vous rapidement mais ce n'est pas urgent
je peux venir quand
ça serait pour une première visite
je voudrais m'inscrire pour une consultation
vous pouvez me recevoir dans la semaine
j'ai besoin d'un créneau pour mon fils après l'école
""",
    "manage_booking": """
à quelle heure je suis attendu la semaine prochaine
je viens quel jour déjà pour mon bilan
j'ai perdu le papier avec l'heure de mon rendez-vous
c'est prévu quand mon rendez-vous chez vous
j'ai un rendez-vous chez vous et je ne pourrai pas venir, il faut l'annuler
j'avais réservé un créneau jeudi mais je dois le supprimer
mon fils avait rendez-vous lundi, on doit annuler
j'ai pris rendez-vous le mois dernier et je n'en ai plus besoin
c'est pour décommander mon rendez-vous
j'avais noté une visite chez vous et il faut que je l'annule
à quelle heure je dois venir pour ma consultation
vous pouvez me rappeler le jour de mon rendez-vous
je ne me souviens plus de l'heure de mon contrôle
quand est-ce que j'ai rendez-vous avec l'hygiéniste
mon prochain rendez-vous c'est quel jour
je crois que je passe bientôt, vous pouvez vérifier la date
j'ai effacé le message de rappel, c'était quand mon rendez-vous
je suis inscrit pour quel jour déjà
vous me confirmez l'heure de ma séance de détartrage
il faudrait changer l'horaire de mon rendez-vous
je voudrais modifier mon rendez-vous de mardi
mon contrôle est prévu jeudi mais je serai en déplacement, on peut le décaler
je passe quand chez vous déjà, je ne sais plus
c'était à quelle date ma consultation
euh j'ai quelque chose de prévu chez vous et je dois l'annuler
je voudrais annuler mon rendez-vous
je dois annuler
est-ce que je peux déplacer mon rendez-vous
je voudrais changer l'heure de mon rendez-vous
je ne pourrai pas venir demain
j'ai un empêchement
j'ai rendez-vous mardi et je dois le décaler
annuler mon rendez-vous
décaler mon rendez-vous
reporter mon rendez-vous
modifier mon rendez-vous
je voudrais reporter ma visite
on peut repousser mon rendez-vous à la semaine prochaine
je vous appelle au sujet de mon rendez-vous
je dois déplacer mon rendez-vous
je ne serai pas disponible pour mon rendez-vous
c'est possible d'avancer mon rendez-vous
je voudrais savoir à quelle heure est mon rendez-vous
j'ai oublié la date de mon rendez-vous
vous pouvez me confirmer mon rendez-vous
je veux annuler le détartrage que j'avais réservé
j'ai réservé la semaine dernière et je dois changer la date
je vais être en retard à mon rendez-vous
je suis malade je ne peux pas venir aujourd'hui
changer mon rendez-vous
annuler ma réservation
annulez le rendez-vous de mon fils s'il vous plaît
il me faudrait un autre horaire pour mon rendez-vous
je peux passer mon rendez-vous l'après-midi
je dois annuler ma visite de vendredi
il faut reprogrammer le rendez-vous avec l'avocat
je voudrais changer ma réservation
je voudrais supprimer mon rendez-vous
est-ce que j'ai toujours rendez-vous lundi
vous pouvez me mettre plus tard
j'ai pris rendez-vous par téléphone et je dois le modifier
mon rendez-vous doit être reporté
j'appelle pour annuler
je voudrais annuler et reprendre un autre rendez-vous
l'horaire que vous m'avez donné ne me convient plus
on peut le mettre jeudi à la place
malheureusement je dois annuler demain
j'ai reçu un SMS pour mon rendez-vous et je dois le changer
je voudrais confirmer mon rendez-vous de la semaine prochaine
mon rendez-vous tient toujours
je peux venir une heure plus tard que prévu
je ne vais pas pouvoir venir aujourd'hui
je voudrais changer le jour de ma visite
ma voiture est en panne je vais rater mon rendez-vous
annulez-le j'ai trouvé un autre dentiste
je dois décaler à cause du travail
je voudrais annuler ma consultation
je dois reporter mon contrôle
pourriez-vous annuler ma réservation
déplacer le rendez-vous
je ne peux plus venir à mon rendez-vous
est-ce que je peux changer de créneau
un imprévu je dois annuler
je voudrais décommander mon rendez-vous
je voudrais changer la date de mon rendez-vous
j'ai rendez-vous demain mais il me faudrait un autre jour
mon rendez-vous peut être plus tard dans la journée
je voudrais échanger mon rendez-vous
je voudrais changer le moment de ma visite
je ne peux pas venir à l'heure prévue
mon rendez-vous du douze ne me convient plus
vous pouvez me dire quand je suis inscrit
vous pouvez vérifier ma réservation
déplacez ma visite au matin s'il vous plaît
je dois annuler ma visite de demain
repousser mon rendez-vous
""",
    "message": """
euh je voulais faire passer un mot à l'hygiéniste
vous pouvez transmettre une note au dentiste au sujet de mon plombage
j'ai juste besoin de dire quelque chose au docteur à propos de mon traitement
j'ai un petit mot pour l'accueil au sujet de ma facture
vous pouvez prévenir l'hygiéniste que j'apporterai mes papiers
je voudrais que le dentiste sache quelque chose sur ma couronne
c'est Robert Girard je rappellerai
c'est Julie je retenterai plus tard
dites au docteur que Marc a téléphoné
prévenez-la qu'Emma a appelé
je suis Christophe Petit je rappelle demain
Jacques Roux à l'appareil je rappellerai ce soir
dites que Anne de la pharmacie a appelé
c'est monsieur Garnier je rappellerai après le déjeuner
Hélène à l'appareil ne me rappelez pas je rappellerai
dites que Benoît a appelé pour ses radios
je voudrais laisser un message
est-ce que je peux laisser un message pour le docteur
dites-lui que j'ai appelé
vous pouvez lui transmettre un message
je voudrais laisser un message vocal
qu'on me rappelle
est-ce qu'elle peut me rappeler quand elle est libre
prenez un message s'il vous plaît
message
messagerie
je vais laisser un message
dites-lui de me rappeler
je rappelle suite à un appel du cabinet
j'ai eu un appel manqué de ce numéro
je voulais juste leur faire savoir quelque chose
vous pouvez demander à l'avocat de me rappeler
j'aimerais qu'on me rappelle pour ma facture
prévenez-la que j'ai appelé
je peux laisser mon numéro
j'ai reçu un courrier et j'aimerais qu'on me recontacte
que le docteur Martin me rappelle s'il vous plaît
je voudrais laisser des informations pour mon dossier
demandez à la secrétaire de me rappeler
je voudrais être rappelé
rappelez-moi
quelqu'un peut me recontacter
j'ai une information à transmettre
ce n'est pas urgent j'aimerais juste qu'on me rappelle
je vous laisse mes coordonnées
je veux envoyer un message au médecin
dites à l'équipe que j'ai déposé les papiers
notez juste que j'ai appelé
vous pourriez lui laisser un mot de ma part
je dois donner ma nouvelle adresse
je peux laisser un mot pour mon dentiste
j'ai une question pour le docteur elle peut me rappeler
prenez mon numéro je la rappellerai
on m'a laissé un message en me demandant de rappeler
je vous rappelle
vous pouvez noter mon numéro
je réponds à votre appel
dites au plombier que je serai là après dix-sept heures
dites à mon avocate que les documents sont signés
je voudrais enregistrer un message
bon je vais laisser un message alors
personne n'a répondu alors je laisse un message
j'ai des résultats à transmettre au docteur
prévenez le cabinet que j'ai réglé la facture
laisser un message
un message pour le docteur
je peux vous laisser un message
notez que j'ai appelé pour mon ordonnance
recontactez-moi quand vous pourrez
quelqu'un peut m'appeler cet après-midi
j'ai une question mais qu'on me rappelle ça ira
ma mutuelle a besoin qu'on la rappelle
je voulais laisser un mot pour le comptable
vous pouvez lui dire que la livraison a du retard
transmettez-lui mon message
je voudrais qu'on me recontacte pour mon devis
vous pouvez lui dire que j'ai téléphoné
je voudrais laisser mon nom et mon numéro
je vais lui laisser un message
transmettez ça au docteur s'il vous plaît
qu'elle me rappelle quand elle sera là
je veux juste qu'on sache que j'ai appelé
notez que j'ai appelé pour ma facture
dites-leur que je les recontacterai
demandez au comptable de m'appeler
rappelez-moi s'il vous plaît
qu'on me rappelle dans la journée
je rappelle suite à votre message
je voudrais qu'on transmette un message à l'avocate
pouvez-vous lui laisser un mot
qu'il me recontacte dès que possible
je laisse mes coordonnées pour qu'on me rappelle
vous lui direz que j'ai appelé
dites-lui que c'est madame Durand
je voulais juste prévenir que je serai en retard sur le paiement
passez-lui le message s'il vous plaît
j'attends un rappel du cabinet
on devait me rappeler et personne ne l'a fait
je souhaite laisser un message à l'infirmière
prévenez-le de mon appel
""",
    "hours": """
vous êtes ouverts quels jours
quels sont vos jours d'ouverture
vous ouvrez le samedi
vous êtes ouverts le dimanche
le cabinet ouvre le week-end
le docteur travaille quels jours
vous êtes fermés le lundi
vous fermez à quelle heure le jeudi
quels jours vous êtes fermés
vous travaillez le mercredi
quels sont vos horaires
vous êtes ouverts quand
à quelle heure vous fermez aujourd'hui
vous êtes ouverts le samedi
quelles sont vos heures d'ouverture
horaires
heures d'ouverture
jusqu'à quelle heure vous êtes ouverts
à quelle heure vous ouvrez le matin
vous êtes ouverts en ce moment
vous êtes ouverts demain
vous êtes fermés le dimanche
vous ouvrez le week-end
vous êtes ouverts entre midi et deux
à quelle heure ferme le cabinet
vous fermez à quelle heure le vendredi
vous êtes ouverts les jours fériés
le cabinet est ouvert aujourd'hui
vous serez ouverts pendant les fêtes
quels jours vous êtes ouverts
vous êtes ouverts tard le jeudi
vous fermez tard
vos horaires d'ouverture
bonjour je voulais juste connaître vos horaires
jusqu'à quand je peux appeler
quand est-ce que je peux joindre quelqu'un
vous êtes encore ouverts
le cabinet est ouvert lundi
quels sont les horaires de l'accueil
vous travaillez le samedi
vous êtes ouverts le soir
le cabinet ouvre à quelle heure
vous commencez à quelle heure
les horaires s'il vous plaît
vous pouvez me donner vos horaires
vous êtes ouverts cette semaine
vous êtes fermés aujourd'hui
vous ouvrez à quelle heure demain
je me demandais à quelle heure vous fermez
c'est quoi vos horaires
quand êtes-vous disponibles
vous ouvrez avant huit heures
vous êtes ouverts après dix-huit heures
vous êtes ouverts le lundi de Pâques
vous fermez pour le déjeuner
vous ouvrez tôt
vos horaires svp
il y a quelqu'un le week-end
je peux passer jusqu'à quelle heure
vous fermez à quelle heure
vous rouvrez quand
les heures d'ouverture
vous êtes ouverts le 14 juillet
vous avez des horaires en soirée
vous êtes ouverts le week-end
c'est ouvert à quelle heure
le dernier rendez-vous de la journée c'est à quelle heure
vous êtes ouverts pendant les vacances
quand est-ce que vous êtes ouverts
vous faites la pause déjeuner
vous êtes ouverts à partir de quelle heure
vous fermez tôt le vendredi
c'est ouvert le mercredi après-midi
quelles sont les heures d'ouverture du cabinet
jusqu'à quelle heure on peut vous appeler
""",
    "location": """
où êtes-vous situés
quelle est votre adresse
comment on vient chez vous
où se trouve le cabinet
vous pouvez m'indiquer le chemin
il y a un parking à côté
où est-ce que je peux me garer
l'adresse s'il vous plaît
adresse
itinéraire
vous êtes à quel étage
c'est quelle station de métro
vous êtes près de la gare
je peux venir en bus
où est exactement le cabinet
je suis perdu je ne trouve pas le bâtiment
vous êtes dans quelle rue
c'est quelle entrée
le cabinet est accessible en fauteuil roulant
il y a un ascenseur
je suis devant où est-ce que je vais
vous êtes dans quelle ville
c'est quoi le code postal
vous pouvez m'envoyer l'adresse
je viens du centre-ville comment je fais
vous êtes toujours à la même adresse
vous avez déménagé
c'est quel bâtiment
il y a un parking
le parking est gratuit
par où on entre dans l'immeuble
où est votre cabinet
il me faut votre adresse pour le GPS
vous êtes loin de l'autoroute
c'est le cabinet à côté de la pharmacie
c'est quoi le nom de la rue
vous avez un autre cabinet
à quel cabinet je dois aller
c'est quel numéro de porte
c'est quoi le code de la porte
comment je vous trouve
je suis en voiture où est-ce que je tourne
je peux venir à pied depuis la gare
vous êtes en centre-ville
vous êtes dans quel quartier
on peut se garer dans la rue
je suis au coin de la rue et je ne vous vois pas
où je dois aller en arrivant
l'adresse du cabinet s'il vous plaît
vous êtes où
où êtes-vous exactement
comment on y va
quel est le meilleur moyen de venir
où je dépose les papiers
il y a un digicode
le cabinet se trouve où
c'est où chez vous
vous êtes à quelle adresse
c'est au rez-de-chaussée
vous êtes desservis par le tram
c'est quoi l'adresse exacte
le cabinet est situé dans quelle rue
comment on accède au cabinet
on se gare où
il y a une station de métro pas loin
c'est à quel endroit
vous pouvez me guider je suis en voiture
le cabinet est au fond de la cour
""",
    "transfer": """
je peux parler à quelqu'un
je voudrais parler à une personne
opérateur
standard
secrétariat
un humain
une vraie personne s'il vous plaît
je peux parler au docteur
je dois parler à l'avocat
passez-moi l'accueil
transférez-moi s'il vous plaît
vous pouvez me mettre en relation avec quelqu'un
il y a quelqu'un à qui je peux parler
je veux parler à un être humain
laissez-moi parler à quelqu'un
je peux parler au docteur Martin
je voudrais parler à la responsable
passez-moi une vraie personne
conseiller
je ne veux pas parler à une machine
est-ce que Sophie est disponible
je voudrais parler au service facturation
vous pouvez me passer la comptabilité
je dois parler à quelqu'un de ma facture
passez-moi l'infirmière
je préfère parler à quelqu'un
parler à quelqu'un
parler à une personne
je voudrais dire un mot au docteur
le docteur est là
je peux parler au responsable
je veux parler à votre supérieur
passez-le-moi s'il vous plaît
je veux une personne pas un robot
je peux être mis en relation avec un conseiller
allô il y a quelqu'un
le dentiste peut me prendre au téléphone
je pourrais parler à monsieur Dupont
je voudrais parler à la secrétaire
transférez-moi à un agent
zéro
l'accueil s'il vous plaît
j'ai une question compliquée j'aimerais en parler avec quelqu'un
je dois discuter de mon dossier avec maître Martin
je voudrais parler à la personne qui suit mon dossier
je peux parler à quelqu'un pour un devis
à qui je peux parler de ma facture
je veux parler au service client
je suis un confrère du docteur vous pouvez me le passer
j'appelle de l'hôpital je dois parler au docteur Lefèvre
je peux parler à une vraie personne s'il vous plaît
il y a un humain à qui parler
passez-moi le patron
je voudrais en parler directement avec l'équipe
quelqu'un peut décrocher
je voudrais parler au technicien
mettez-moi en relation s'il vous plaît
je voudrais avoir quelqu'un en ligne
je souhaite parler à la secrétaire médicale
je voudrais parler à un membre de l'équipe
il y a quelqu'un que je peux avoir au téléphone
je voudrais m'adresser à quelqu'un du cabinet
je préfère en parler de vive voix
passez-moi un interlocuteur
je voudrais avoir une vraie personne
je peux avoir la secrétaire
mettez-moi en contact avec le docteur
je souhaite parler à quelqu'un directement
est-ce que le docteur peut prendre mon appel
vous pouvez me passer quelqu'un s'il vous plaît
je veux discuter avec un humain
""",
    "urgent": """
c'est une urgence
c'est urgent
j'ai besoin d'aide tout de suite
j'ai très mal
ma dent saigne et ça ne s'arrête pas
j'ai eu un accident
il y a de l'eau partout une canalisation a éclaté
j'ai le visage gonflé et je n'arrive pas à dormir
je crois que j'ai la mâchoire cassée
il faut que je voie quelqu'un aujourd'hui ça ne peut pas attendre
j'ai des douleurs à la poitrine
mon enfant a avalé quelque chose
urgence
urgent
c'est vraiment urgent
s'il vous plaît c'est une urgence
ça sent le gaz chez moi
j'ai été arrêté il me faut un avocat maintenant
la police est là
ma cave est inondée
je n'ai plus de chauffage et il gèle
je me suis cassé une dent
j'ai atrocement mal aidez-moi
la douleur est insupportable
j'ai besoin de soins urgents
ça ne peut pas attendre demain
il me faut quelqu'un immédiatement
aidez-moi vite
il y a le feu
mon mari s'est effondré
je saigne beaucoup
mon audience est demain matin et mon avocat ne répond pas
j'ai reçu une convocation et le délai expire aujourd'hui
les égouts refoulent dans la maison
ma couronne est tombée et je me marie demain
je fais une réaction allergique
mon chien s'est fait renverser
je crois que j'ai une infection et ça empire vite
c'est une affaire urgente
il me faut un rendez-vous en urgence
vous prenez les urgences
j'ai une urgence dentaire
au secours
aidez-moi s'il vous plaît
j'ai du mal à respirer
il y a des étincelles dans le tableau électrique
je suis enfermé dehors et mon bébé est à l'intérieur
on a été cambriolés
je dois parler à quelqu'un de toute urgence
c'est une question de vie ou de mort
j'ai beaucoup de fièvre et très mal
mes points de suture se sont ouverts
mon abcès me fait terriblement mal
on m'a dit d'appeler tout de suite si ça empirait et ça empire
j'appelle pour quelque chose de grave
j'ai un problème juridique urgent
mon chauffe-eau fuit de partout
le toit s'effondre
au plus vite s'il vous plaît c'est grave
c'est pressé
j'ai une rage de dents
j'ai vraiment très mal
c'est très grave
il me faut un médecin tout de suite
il y a du sang partout
le tuyau a éclaté et l'eau coule du plafond
ma femme n'arrive plus à respirer
je souffre énormément
c'est une urgence absolue
j'ai une douleur terrible
mon enfant s'est blessé à la bouche
je ne peux plus ouvrir la bouche tellement ça gonfle
c'est très urgent il faut que quelqu'un vienne
il y a une inondation chez moi
je saigne de la gencive depuis des heures
""",
    "yes": """
oui
ouais
oui s'il vous plaît
c'est ça
exact
exactement
bien sûr
absolument
oui c'est ça
c'est exact
d'accord
ok
okay
ça me va
parfait
très bien
tout à fait
oui merci
allez-y
volontiers
c'est bien ça
oui oui
voilà
effectivement
affirmatif
oui c'est bien ça
c'est parfait
ça marche
entendu
oui je veux bien
oui bien sûr
oui volontiers
c'est correct
je confirme
confirmé
bien
ça va
carrément
évidemment
oui exactement
oui c'est exact
c'est celui-là
oui d'accord
d'ac
je veux bien
c'est ce que je veux
oui tout à fait
mais oui
oui madame
oui monsieur
en effet
c'est juste
vous avez raison
oui allez-y
précisément
ça me convient
c'est bon
oui oui c'est ça
OK d'accord
si
oui c'est ce qu'il faut
ouais c'est bien ça
c'est exactement ça
oui voilà c'est ça
""",
    "no": """
non
non merci
ce n'est pas ça
pas vraiment
non c'est faux
c'est faux
non pas du tout
pas du tout
négatif
sûrement pas
je ne crois pas
ce n'est pas ce que je veux
non non
faux
pas ça
non ce n'est pas ça
non je veux autre chose
ce n'est pas correct
certainement pas
pas tout à fait
euh non
non désolé
non ce n'est pas ce que je voulais dire
non j'ai dit autre chose
absolument pas
non c'est une erreur
non je préfère pas
non ne faites pas ça
pas juste
non vous avez mal compris
c'est incorrect
ce n'est pas ce que j'ai demandé
non pas celui-là
je n'ai pas demandé ça
ce n'est pas du tout ça
non pas ça
j'ai dit non
bof non
non c'est pas ça
c'est pas ça
non erreur
pas correct
autre chose
non madame
non monsieur
non vraiment pas
non c'est pas le bon
nan
non non pas du tout
mais non
non jamais
non ça ne va pas
ça ne me va pas
non ce n'est pas bon
non c'est pas bon
non plus
pas celui-là
non je ne veux pas
non pas comme ça
ah non
non pas du tout ça
ce n'est pas ça non
non merci pas ça
non vous vous trompez
""",
    "repeat": """
vous pouvez répéter
répéter
répétez
redites-le
pardon
je n'ai pas compris
qu'est-ce que vous avez dit
vous pouvez redire s'il vous plaît
répétez les choix
vous pouvez répéter le menu
désolé j'ai raté ça
encore une fois s'il vous plaît
comment
quels étaient les choix
je ne vous ai pas entendu
répétez s'il vous plaît
redites
encore s'il vous plaît
vous pouvez reprendre
quoi
hein
excusez-moi
désolé
désolé je n'ai pas compris
pardon vous pouvez répéter
vous pouvez parler plus lentement
plus lentement s'il vous plaît
j'ai pas compris
répétez svp
revenir en arrière
recommencer
vous pouvez recommencer
quels sont mes choix
quelles sont les options
redonnez-moi les options
j'ai raté le début
désolé ça capte mal
ça a coupé
ça coupe vous pouvez répéter
je n'ai pas entendu ce que vous avez dit
c'était quoi
relisez s'il vous plaît
répétez la liste
pardon je n'écoutais pas
vous venez de dire quoi
vous pouvez répéter la liste
attendez quoi
je n'ai pas entendu
une fois de plus
vous pouvez redire
qu'est-ce que je peux dire
qu'est-ce que je peux faire
menu principal
menu
retour au menu
les options
redites les options
j'ai rien compris
ça grésille
vous pouvez répéter ce que vous avez dit
vous pouvez me redire les choix
je n'ai pas bien compris vous pouvez répéter
répétez-moi ça
pardon je n'ai pas saisi
""",
    "goodbye": """
au revoir
bye
salut
merci au revoir
c'est tout merci
c'est tout
non c'est tout
rien d'autre
j'ai fini
ce sera tout
bonne journée
merci bonne journée
à bientôt
à plus tard
je rappellerai plus tard
laissez tomber
tant pis
je dois y aller
c'est tout ce qu'il me fallait
non rien d'autre merci
bon merci au revoir
ce sera tout merci
merci pour votre aide
ça ira merci
c'est bon pour moi
je vais raccrocher
je raccroche
à la prochaine
bonne soirée
c'était tout
j'ai ce qu'il me faut
vous m'avez bien aidé merci
je réessaierai demain
plus de questions
on a fini
terminer l'appel
raccrocher
stop
arrêtez
je n'ai besoin de rien d'autre
merci beaucoup au revoir
allez au revoir
bon ben c'est tout
non c'est bon
terminé
fini
non ça va merci
non c'est tout ce que je voulais
merci c'est tout ce que je voulais savoir
bonne fin de journée
ciao
merci au revoir madame
d'accord merci au revoir
bon merci
au revoir monsieur
adieu
merci bien au revoir
ça sera tout
c'est tout pour aujourd'hui
je vous laisse
merci bonne journée au revoir
bon ben merci
c'est bon merci au revoir
voilà merci
ok merci à bientôt
je vous remercie au revoir
merci pour tout
ce sera tout merci beaucoup
très bien merci au revoir
je n'ai plus de questions
c'est parfait au revoir
non merci ça ira
ok c'est noté merci au revoir
""",
    "out_of_scope": """
quel temps fait-il aujourd'hui
qui a gagné le match hier soir
vous pouvez me commander une pizza
racontez-moi une blague
quelle est la capitale de l'Espagne
je voudrais acheter une voiture
vous êtes un robot
vous avez quel âge
comment vous vous appelez
vous vendez des chaussures
je vous appelle au sujet de votre compte personnel de formation
vous avez gagné une croisière
c'est un appel de courtoisie pour votre facture d'électricité
je voudrais vous parler de nos services de marketing
on peut améliorer votre référencement
je réalise un sondage
vous pouvez me conseiller un restaurant
mettez de la musique
quelle heure est-il à Tokyo
combien font deux plus deux
mon chat dort
la voiture bleue est garée dehors
j'aime les tortues
banane
allô allô test
c'est bien la pizzeria
je crois que je me suis trompé de numéro
erreur de numéro désolé
je cherche la banque
vous avez un poste à pourvoir
je voudrais postuler
je vends des espaces publicitaires
les panneaux solaires ça vous intéresse
j'ai un colis pour vous
vous recrutez
c'est combien l'action Apple
comment je réinitialise mon mot de passe
ma box internet ne marche plus
vous pouvez réparer mon ordinateur
je veux porter plainte contre mon voisin
comment on fait cuire le riz
qui est le président
il me faut un taxi
vous livrez
le petit chat est sur le toit
lalala
je m'ennuie
azerty
bla bla bla
je peux vous parler de mes vacances
vous connaissez un bon garagiste
quels films passent ce soir
je veux adopter un chiot
le ciel est bleu
ma couleur préférée c'est le vert
chantez-moi une chanson
c'est à combien de kilomètres Lyon
traduisez-moi ça
c'est quoi le sens de la vie
ceci est un message enregistré des impôts
tapez un pour recevoir votre cadeau
isolation à un euro
""",
}
