/*
 * systest.h — shared bits of the system/hw Check tests: running a suite in
 * one process (RCU registration and the BQL are per thread and survive
 * between tests) and the exit status the test driver expects.
 */
#ifndef FERRY_TESTS_SYSTEM_SYSTEST_H
#define FERRY_TESTS_SYSTEM_SYSTEST_H

#include <check.h>
#include <stdlib.h>

#include "system/rcu.h"

/* Run @s without forking, with this thread registered with RCU; returns
 * EXIT_SUCCESS only if every test passed. */
static inline int systest_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    sys_rcu_register_thread();
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sys_rcu_unregister_thread();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
