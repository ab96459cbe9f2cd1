#include <iostream>
using namespace std;

int main() {
    double a[4] = {0.5, 0.5, 1.0, 0.5};
    int same = 0;
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (a[i] == a[j]) same++;
    cout << same << "\n";
}
