#include <iostream>
using namespace std;

int main() {
    long long a = 3, b = 7, c = 2, hits = 0;
    for (long long i = 1; i < 1000; i++) {
        hits++;
        if (i * a % b == c) {
            cout << hits << "\n";
            return 0;
        }
    }
}
