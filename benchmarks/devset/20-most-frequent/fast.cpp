#include <bits/stdc++.h>
using namespace std;

static int cnt[100001];

static int readInt() {
    int c = getchar_unlocked();
    while (c < '0' || c > '9') c = getchar_unlocked();
    int x = 0;
    while (c >= '0' && c <= '9') x = x * 10 + (c - '0'), c = getchar_unlocked();
    return x;
}

int main() {
    int n = readInt();
    for (int i = 0; i < n; i++) cnt[readInt()]++;
    int best = -1, bestCount = 0;
    for (int v = 0; v <= 100000; v++)
        if (cnt[v] > bestCount) bestCount = cnt[v], best = v;
    printf("%d %d\n", best, bestCount);
}
