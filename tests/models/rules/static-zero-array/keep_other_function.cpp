#include <cstdio>

int solve(int n) {
    int memo[100000] = {0};  // solve may run more than once
    memo[n] += n;
    return memo[n];
}

int main() {
    printf("%d %d\n", solve(3), solve(3));
}
