"""Voice messages heard on the bot's own machine: decode (audio), transcribe (engines), and
a bounded line off the event loop (desk). Needs the optional extra `gotungnha[voice]`."""
