#include <bits/stdc++.h>
using namespace std;

int main() {
    // every line is read whole; numbers are parsed in place
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int c = getchar();
    while (c != '\n' && c != EOF) c = getchar();
    for (int i = 0; i < n; i++) {
        long long sum = 0, x = 0;
        bool in = false, neg = false;
        while ((c = getchar()) != EOF && c != '\n') {
            if (c == '-') neg = true, in = true;
            else if (c >= '0' && c <= '9') x = x * 10 + (c - '0'), in = true;
            else {
                if (in) sum += neg ? -x : x;
                x = 0, in = false, neg = false;
            }
        }
        if (in) sum += neg ? -x : x;
        printf("%lld\n", sum);
    }
}
