"""Built-in English examples the intent model learns from (one sentence per line).

Written as callers speak on the phone: questions, statements, indirect requests,
fragments, politeness, hesitations, context first. The evaluation sentences in
tests/data/understanding/ are written apart from these and never learnt from.
"""

EXAMPLES = {
    "book": """
I'm due for my six-month check-up
could I come in for a check up on Thursday
can I still get a slot this week
a check-up for my husband please
is there still room for a checkup next week
are you still taking new patients for exams
I know it's short notice but could I get a cleaning on Friday
I'd like to set up a checkup for one afternoon
book me in for an exam on Wednesday please
I'm after a checkup some time this week
a consultation with the dentist please, sorry, I meant with the hygienist
could I book with the hygienist, oh no wait, make it the dentist
a checkup please, actually no, a cleaning
I'd like an exam with the doctor, sorry, the other doctor
a cleaning with the hygienist if she has time
could I get in with the dentist for a consultation
I'd like a teeth cleaning with the hygienist this week
an exam with the doctor on Monday please
do you have room on Thursday
anything left for Monday
have you got a free slot next Tuesday morning
is there an opening this Friday afternoon
what do you have free tomorrow
any availability on Wednesday afternoon
are any times open later today
have you got something early next week
is Saturday morning free at all
what's open on the 12th
I'd like to book an appointment
can I make an appointment please
I need to schedule a visit
do you have any openings this week
I want to come in for a checkup
is there anything available on Friday
could you fit me in tomorrow
I'd like to see the doctor
hi I'm calling to set up an appointment
when is your next available slot
I need a cleaning
can I get in sometime next week
book me in please
appointment
new appointment
I'd like a consultation
um yeah I was hoping to schedule something
I need to see someone about my tooth
my son needs a checkup can we book that
are you taking new patients
I'd like to register as a new client and book
can I reserve a time
what's your earliest availability
do you have a slot on Monday morning
I was wondering if I could come in this afternoon
I'd like to get on the schedule
I need an appointment for my daughter
could I book a session
I'm due for my annual exam
yes hello I'd like to arrange a meeting with the lawyer
I'd like to make a booking
schedule an appointment
set up a time to come in
I want to book a visit for next Tuesday
is Thursday possible for an appointment
hi there I haven't been in a while and I'd like to come back in
I'd like to come by and see you
can you squeeze me in this week
get me an appointment
I want an appointment
any availability on Saturday
I'd like to schedule a consultation about my case
booking please
can I book online or do I do it with you
I need to come in for a follow up
I'd like to have my teeth checked
my doctor told me to make an appointment with you
I'd like to see the dentist as soon as you have time
I'm looking to book a first visit
I'd like a quote visit at my house
could someone come out to look at my boiler
I want to reserve a spot
okay so I need to schedule an appointment
so I broke a filling and I'd like to get it fixed when you have a moment
I'd like to make an appointment for a consultation
do you have time to see me on Wednesday
looking for an appointment
can we find a time for me to come in
I'd like to book for two people
put me down for an appointment please
is it possible to get an appointment next month
hello I was calling to see if you had any time for me
I'd like to come see you about a problem with my gums
do you have a free spot in the next few days
I'd like to get checked out
hi yes um I need to get in to see somebody
I'm a new patient and I'd like to schedule my first visit
when's the soonest I could come in
I'd like an evening appointment if possible
could you book me for a filling
we need someone to come and fix the sink can you schedule that
I'd like to sit down with the lawyer
is there room for me on Thursday
I'd like to reserve a time with the dentist
does the doctor have any gaps in her schedule
I'm looking for a date for a cleaning
I need to come in for a consultation
could I have an appointment on Tuesday
I'd like to come in for an assessment
""",
    "manage_booking": """
I made an appointment last month but I won't need it anymore
I scheduled a visit for next Thursday and have to cancel it
we booked my daughter in for Monday and she can't go
I have a booking with you that I'd like to scrap
I set up an exam a while ago, please take me off the schedule
hi, there's a visit on my name next week and I won't be coming
what day am I booked for
remind me what time I'm due in
when's my next visit
I've lost the reminder, what date was my appointment again
could you look up my booking and tell me the time
I can't remember what time my checkup is
at what time am I seeing the hygienist
which day did I book my consultation for
when am I supposed to see the doctor
am I booked for this week or next
I think I'm coming in soon, can you check the date
my exam is on Thursday right, what time was it
I have an appointment later this week but I need to push it
I'm down for Wednesday but my boss needs me, can we find another day
my checkup is on Friday but I'm travelling, could it be later
I had a slot reserved for Monday and I'd like to take it off the books
I'm booked for a cleaning on Thursday and I'd rather do it the week after
hello, I reserved a time with you and can't keep it
um so I have something on the calendar with you and I need to undo it
could you tell me when my cleaning is scheduled
I need to cancel my appointment
can I reschedule my appointment
I'd like to move my appointment to another day
I can't make it tomorrow
I have an appointment on Tuesday and I need to change it
cancel my booking
I want to change the time of my appointment
something came up and I can't come in
I'd like to postpone my visit
could we push my appointment to next week
I need to cancel
reschedule
can I change my booking
I'm calling about my existing appointment
I have to move my appointment
I won't be able to make my appointment
is it possible to bring my appointment forward
I'd like to check when my appointment is
what time is my appointment
I forgot when my appointment was
can you confirm my appointment
I want to cancel the cleaning I booked
hi I booked last week and I need to change the date
I'm running late for my appointment
I'm sick and can't come to my appointment today
change my appointment
modify my reservation
cancel the appointment for my son please
I need a different time for my appointment
can I switch my appointment to the afternoon
I have to call off my appointment
please cancel my visit on Friday
we need to reschedule the meeting with the lawyer
I'd like to move my booking
I want to drop my appointment
I'd like to know if I still have an appointment on Monday
could you move me to a later time
I booked by phone and I need to change it
my appointment needs to be rescheduled
I'm calling to cancel
I'd like to cancel and rebook
the time you gave me doesn't work anymore
can I move it to Thursday instead
unfortunately I have to cancel tomorrow
delete my appointment
I need to rearrange my appointment
yeah I got a text about my appointment and I need to change it
I want to confirm my booking for next week
is my appointment still on
can I come an hour later than planned
push back my appointment
I'm not going to make it today
I'd like to change the day of my visit
my car broke down and I'll miss my appointment
cancel it please I found another dentist
can I swap my appointment with my wife's
I need to reschedule because of work
I'd like to cancel my consultation
I'd like to reschedule my checkup
could you please cancel my reservation
I'm booked for tomorrow but I need another day
can my appointment be later in the day
I need to switch my appointment
I'd like to change when I'm coming in
I can't come at the time we set
my appointment on the twelfth won't work anymore
can you tell me when I'm scheduled
could you check my booking
please move my visit to the morning
I have to cancel my visit tomorrow
""",
    "message": """
um I wanted to get a message to the hygienist
could you relay a note to the dentist about my filling
so, er, I just need to tell the doctor something about my meds
I have a quick note for the front desk about my bill
can you give the hygienist a heads up that I'll bring my forms
uh yeah I've got something for the doctor about my treatment plan
I'd like the dentist to know something about my crown
it's Robert Green I'll call back
this is Julie I'll try again later
tell the doctor that Mark phoned
just let them know Emma called
my name's Chris Hall I'll ring again tomorrow
James Carter calling I'll phone back this evening
could you say that Anna from the pharmacy called
it's Mr Patel I'll call again after lunch
Helen here no need to call back I'll try later
say that Ben called about his x-rays
I'd like to leave a message
can I leave a message for the doctor
please tell her I called
could you pass on a message
I want to leave a voicemail
just have someone call me back
can she call me back when she's free
take a message please
message
voicemail
I'll leave a message
tell him to call me back
I'm returning a call from the office
I missed a call from this number
I just want to let them know something
can you ask the lawyer to give me a call
I need someone to call me back about my bill
let her know that I called
could I leave my number
I got a letter and I'd like someone to get back to me
have Doctor Smith call me please
I want to leave some information for my file
please ask the office manager to return my call
I'd like a callback
call me back
can you have someone ring me back
I need to pass along some information
it's not urgent I'd just like someone to call me
I'll leave my details
let them know I'm running behind on the paperwork
I want to send a message to the doctor
please tell the team I dropped off the forms
just leave a note that I called
could you give him a message for me
I need to give my new address
can I leave a note for my dentist
I have a question for the doctor can she call me back
I'd like to talk to her later just take my number
someone left me a voicemail and asked me to call
I'm calling back
can you take down my number
I'm returning your call
tell the plumber I'll be home after five
please let my lawyer know the documents are signed
I'd like to record a message
I'll just leave a message then
nobody answered so I'd like to leave a message
I have some results to pass on to the doctor
let the office know I paid the invoice
record a message
message for the doctor
can I leave a message with you
please note that I called about my prescription
get back to me when you can
can someone call me this afternoon
I'd like to ask a question but a callback is fine
my insurance company needs someone to call them back
I wanted to leave word for the accountant
could you tell her that the delivery is late
I'd like someone to get back to me about my estimate
could you let him know I phoned
I'd like to leave my name and number
I'll leave a message for her
please pass this on to the doctor
have her give me a call when she's back
I just want someone to know I called
can you note that I called about my bill
tell them I'll be in touch
ask the accountant to phone me
ring me back please
I'd like to pass a message to the lawyer
could you leave her a note
have him get back to me as soon as he can
I'll leave my details so someone can call me
I was supposed to get a call back and nobody did
""",
    "hours": """
what days are you open
which days of the week do you open
are you open Saturday
do you open on Sundays
is the clinic open on weekends
what days does the dentist work
are you closed on Mondays
how late are you open on Thursdays
which days are you closed
do you work on Wednesdays
what are your hours
when are you open
what time do you close today
are you open on Saturday
what are your opening hours
hours
opening hours
until what time are you open
what time do you open in the morning
are you open right now
are you open tomorrow
are you closed on Sunday
do you open on weekends
are you open during lunch
what time does the office close
when do you close on Fridays
are you open on public holidays
is the office open today
will you be open over Christmas
what days are you open
are you open late on Thursdays
how late are you open
business hours
what are your business hours
hi I just wanted to know your hours
until when can I call
when can I reach someone
are you still open
is the clinic open on Monday
what are the hours for the front desk
do you work on Saturdays
are you open in the evening
when does the office open
what time do you start
opening times please
can you tell me your schedule
are you open this week
are you closed today
at what time do you open tomorrow
I was wondering what time you close
what are your hours of operation
when are you available
are you open before eight
are you open after six
are you open the day after Thanksgiving
do you close for lunch
how early do you open
your hours please
what hours do you keep
is anyone there on the weekend
until what time can I drop by
what time do you guys close
when do you open back up
open hours
so are you open on Good Friday
do you have evening hours
are you open on the weekend
times you're open
what time is the last appointment of the day
when's the office open
do you close early on Fridays
what time do you start in the morning
are you open Wednesday afternoon
what are the clinic's opening hours
""",
    "location": """
where are you located
what's your address
how do I get to your office
where is the clinic
can you give me directions
is there parking nearby
where can I park
address please
location
directions
which floor are you on
what's the closest subway station
are you near the train station
can I get there by bus
where exactly is the office
I'm lost I can't find the building
what street are you on
what's the entrance
is the office accessible by wheelchair
do you have an elevator
I'm outside where do I go
what town are you in
what's the zip code
can you send me the address
I'm coming from downtown how do I get there
are you still at the same address
did you move
which building is it
is there a parking lot
is parking free
where do I enter the building
where's your office
I need your address for my GPS
how far are you from the highway
is it the office next to the pharmacy
what's the name of the street
do you have another location
which office should I go to
what's the suite number
what door do I use
how do I find you
I'm driving there now where do I turn
is there a bike rack
I need directions to the clinic
can I walk from the station
are you downtown
what neighborhood are you in
is there street parking
I'm at the corner and I don't see you
where should I go when I arrive
which side of the street
the address of the practice please
where is your practice
where are you
where is the office exactly
how do I get there
what's the best way to get to you
is the garage open for patients
where do I drop off the paperwork
where do I go for my appointment
is there a bus stop close to you
what's your address exactly
how do I get to the office from the station
where do I park when I come
are you on the main road
is it easy to find you
what's the exact address
how do I get into the building
is there a subway stop near you
""",
    "transfer": """
can I speak to someone
I'd like to talk to a person
operator
representative
receptionist
human
real person please
can I talk to the doctor
I need to speak with the lawyer
put me through to the front desk
transfer me please
can you connect me to someone
is there someone I can talk to
I want to speak with a human being
let me talk to someone
can I speak to Doctor Smith
I'd like to speak to the office manager
get me a real person
agent
I don't want to talk to a machine
is Sarah available
I'd like to speak to the billing department
can you transfer me to accounting
I need to talk to somebody about my bill
connect me with the nurse
can I talk to someone in person
I'd rather speak to someone
speak to someone
talk to a person
I'd like to have a word with the doctor
is the doctor in
can I speak to whoever is in charge
I want to talk to your manager
put me through please
I need a person not a robot
can I be connected to an advisor
I'd like to chat with someone
hello is anybody there
is the dentist available to talk
may I speak with Mr Jones
I'd like to talk to the receptionist
please transfer me to a live agent
zero
front desk please
I have a complicated question I'd like to discuss with someone
I need to discuss my case with the attorney
I'd like to speak to the person handling my file
can I talk to someone about a quote
who can I talk to about my invoice
I want to speak to customer service
I'm a colleague of the doctor can you put me through
I'm calling from the hospital I need to speak with doctor Lee
can I please talk to an actual person
is there a human I can speak to
let me speak to the boss
I'd like to discuss something with the team directly
can somebody pick up
I'd like to speak to the technician
connect me please
I'd like to talk to a staff member
put me on with someone please
""",
    "urgent": """
it's an emergency
this is urgent
I need help right away
I'm in a lot of pain
my tooth is bleeding and won't stop
I've had an accident
there's water everywhere my pipe burst
my face is swollen and I can't sleep
I think my jaw is broken
I need to see someone today it can't wait
I'm having chest pains
my child swallowed something
emergency
urgent
it's really urgent
please it's an emergency
I smell gas in my house
I've been arrested and need a lawyer now
the police are here
my basement is flooding
I have no heat and it's freezing
I knocked out a tooth
I'm in terrible pain please help
the pain is unbearable
I need urgent care
it can't wait until tomorrow
I need someone immediately
I need help now
there's a fire
my husband collapsed
I'm bleeding a lot
my court hearing is tomorrow morning and my lawyer isn't answering
I got a summons and the deadline is today
the sewer is backing up into the house
my crown fell out and I have a wedding tomorrow
I'm having an allergic reaction
my dog was hit by a car
I think I have an infection it's getting worse fast
this is an urgent matter
I need an emergency appointment
do you take emergencies
I have a dental emergency
help
please help me
I can't breathe properly
the electricity is sparking
I'm locked out and my baby is inside
there's been a break in
I need to speak to someone urgently
it's a matter of life and death
I have a high fever and severe pain
my stitches came open
my abscess is really painful
I was told to call right away if it got worse and it has
I'm calling about something critical
I have an urgent legal problem
my water heater is leaking everywhere
the roof is caving in
as soon as possible please it's serious
I'm in agony with my tooth
my tooth is killing me
I'm in really bad pain
it's very serious
I need a doctor right now
there's blood everywhere
the pipe burst and water is coming through the ceiling
my wife is having trouble breathing
""",
    "yes": """
yes
yeah
yep
yes please
that's right
correct
exactly
sure
of course
absolutely
yes that's it
that's correct
right
uh huh
yes I would
okay
ok
sounds good
that works
perfect
great
affirmative
definitely
yes indeed
that's what I want
yes thank you
go ahead
please do
that's the one
you got it
sure thing
alright
all right
yes that's what I said
mm hmm
yup
that would be great
I do
indeed
that is correct
right yes
yes yes
fine
that's fine
good
yes exactly
confirmed
I confirm
yes go on
totally
yes correct
that's perfect
works for me
it is
please
yes ma'am
yes sir
that's it
precisely
you're right
""",
    "no": """
no
nope
no thanks
no thank you
that's wrong
not really
nah
that's not it
no that's not right
incorrect
no I didn't say that
not at all
negative
no way
I don't think so
that's not what I want
no no
wrong
not that
no it isn't
no I want something else
that's not correct
no that's wrong
definitely not
not quite
uh no
no sorry
no that's not what I meant
no I said something else
absolutely not
no that's a mistake
it's not
no I'd rather not
no don't
not right
nope that's not it
no you misunderstood
that's incorrect
not what I asked
no I do not
never mind that
no not that one
I didn't ask for that
that's not it at all
no please
no that's not it thanks
no wrong one
I said no
nah not really
no it's not
that's not right
no mistake
not correct
other
something else
no ma'am
no sir
no not at all
no that isn't it
no I'm not interested
nope wrong
""",
    "repeat": """
can you repeat that
repeat
say that again
sorry what
pardon
I didn't catch that
what did you say
could you say that again please
repeat the options
can you repeat the menu
sorry I missed that
one more time please
come again
what were the options
I didn't hear you
could you repeat please
say it again
again please
can you go over that again
what
huh
excuse me
sorry
sorry I didn't understand
I'm sorry could you repeat
could you speak more slowly
can you say it slower
I didn't get that
please repeat
go back
start over
can you start again
what are my choices
what are my options
tell me the options again
I missed the first part
sorry it's a bad line
you cut out
the line is breaking up can you repeat
I couldn't hear what you said
what was that
read that again please
repeat the choices
sorry I wasn't listening
what did you just say
could you please repeat the list
hang on what
wait what was that
I'm sorry I didn't hear
once more
run that by me again
what can I say
what can I do
main menu
menu
back to the menu
options
say the options again
say the menu again
could you go through it once more
""",
    "goodbye": """
goodbye
bye
bye bye
thank you goodbye
that's all thanks
that's everything
no that's all
nothing else
I'm done
that's it for now
have a good day
thanks bye
see you
see you later
I'll call back later
never mind
forget it
I have to go
that's all I needed
no nothing else thank you
okay thanks bye
that will be all
take care
thanks for your help
I'm all set
I'm good thanks
all good thank you
I'll hang up now
cheers
talk to you later
good night
that was it
I've got what I needed
you've been helpful thanks
I'll try again tomorrow
nothing more
no more questions
we're done
end call
hang up
stop
cancel this call
I don't need anything else
thank you very much goodbye
bye now
okay that's all
no that's it
done
all done
no I'm fine thanks
nope that's everything
I'm finished
thanks that's all I wanted
have a nice day
so long
thank you bye
alright thank you
many thanks goodbye
ok bye
that's all for today
I'll let you go
""",
    "out_of_scope": """
what's the weather like today
who won the game last night
can you order me a pizza
tell me a joke
what's the capital of France
I'd like to buy a car
are you a robot
how old are you
what's your name
do you sell shoes
I'm calling about your car's extended warranty
you've won a free cruise
this is a courtesy call about your electricity bill
I'd like to speak about our marketing services
we can improve your Google ranking
I'm conducting a survey
can you recommend a restaurant
play some music
what time is it in Tokyo
what's two plus two
my cat is sleeping
the blue car is parked outside
I like turtles
banana
hello hello testing
is this the pizza place
I think I dialed the wrong number
wrong number sorry
I'm looking for the bank
do you have a job opening
I'd like to apply for a job
I'm selling advertising space
can I interest you in solar panels
I have a package for you
are you hiring
what's the stock price of Apple
how do I reset my password
my internet is down
can you fix my computer
I want to file a complaint about my neighbor
how do I cook rice
who is the president
I need a taxi
do you deliver
the quick brown fox jumps over the lazy dog
lalala
I'm just bored
asdf
blah blah blah
can I talk about my vacation
do you know a good mechanic
what movies are playing tonight
I want to adopt a puppy
the sky is blue
my favorite color is green
sing me a song
how many miles to Boston
translate this for me
what's the meaning of life
this is a recorded message from the tax office
press one to claim your prize
""",
}
