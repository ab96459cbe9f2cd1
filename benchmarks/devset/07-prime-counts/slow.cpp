#include <bits/stdc++.h>
using namespace std;

bool isPrime(int x) {
    if (x < 2) return false;
    for (int d = 2; d * d <= x; d++)
        if (x % d == 0) return false;
    return true;
}

int main() {
    int q;
    cin >> q;
    while (q--) {
        int x;
        cin >> x;
        int c = 0;
        for (int i = 1; i <= x; i++)
            if (isPrime(i)) c++;
        cout << c << endl;
    }
}
