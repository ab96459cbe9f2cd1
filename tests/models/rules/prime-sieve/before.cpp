#include <iostream>
using namespace std;

bool isPrime(int n) {
    if (n < 2) return false;
    for (int i = 2; i * i <= n; i++) {
        if (n % i == 0) return false;
    }
    return true;
}

int main() {
    int l, r;
    cin >> l >> r;
    int count = 0;
    for (int x = l; x <= r; x++)
        if (isPrime(x)) count++;
    cout << count << " " << isPrime(-7) << " " << isPrime(1) << " " << isPrime(1000000007) << endl;
}
