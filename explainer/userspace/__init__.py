"""From walkthrough to what user space sees.  Takes a ``model.Walkthrough``
(the passes, gcc-exact) and its translation unit; gives the tracefs
``format`` file of an event (format.py), its numbers computed by gcc the
way kbuild's asm-offsets computes constants (constants.py), and its
``TP_printk`` tables evaluated as the kernel prints them (decode.py).
The generated code is read back as C (cparse.py): the rows of stage 4's
field table, stage 7's print format and stage 1's enum maps."""
