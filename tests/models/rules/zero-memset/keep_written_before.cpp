#include <cstdio>
#include <cstring>

int a[100];

int main() {
    a[3] = 7;
    memset(a, 0, sizeof a);
    printf("%d\n", a[3]);
}
