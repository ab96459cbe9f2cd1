#include <cstdio>

int main() {
    int round = 0;
again:
    int marks[50000] = {0};
    marks[round] += round + 1;
    if (++round < 3) goto again;
    printf("%d %d\n", marks[0], marks[2]);
}
